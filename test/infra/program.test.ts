/**
 * The Pulumi program itself (infra/index.ts), as `pulumi up` runs it, for each committed stack
 * file: it evaluates, and its outputs are what an operator and MCP clients need.
 */
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { mcpOf, runtimeOn } from "../../infra/descriptor.js";
import { servicesOn } from "../../infra/stack-services.js";
import { installPulumiMocks, isSecretOutput, plainTextLeaks, settled, valueOf } from "../helpers/pulumi-mocks.js";
import { operatorStackConfig } from "../helpers/stack-files.js";
import { makeTempDir } from "../helpers/temp-dir.js";

type Program = typeof import("../../infra/index.js");

async function runProgram(stack: string): Promise<{ program: Program; leaks: string[] }> {
  const { config, secretKeys } = operatorStackConfig(stack);
  vi.resetModules();
  const run = await installPulumiMocks(stack, config, secretKeys);
  const program = (await import("../../infra/index.js")) as Program;
  await valueOf(program.mcpClientConfig);
  await settled(run);
  return { program, leaks: plainTextLeaks(run.resources, secretKeys.map((key) => config[key]!)) };
}

/** Each client's server entries from the mcpClientConfig output. */
function serversByClient(json: string): Record<string, Record<string, { url?: string; args?: string[] }>> {
  const parsed = JSON.parse(json) as {
    claudeDesktop: { mcpServers: Record<string, { args: string[] }> };
    cursor: { mcpServers: Record<string, { url: string }> };
    vscode: { servers: Record<string, { url: string }> };
  };
  return { claudeDesktop: parsed.claudeDesktop.mcpServers, cursor: parsed.cursor.mcpServers, vscode: parsed.vscode.servers };
}

describe("infra/index.ts per stack", () => {
  it("dev: local endpoints and a client config for both MCP servers on loopback", async () => {
    const { program, leaks } = await runProgram("dev");
    expect(leaks).toEqual([]);
    expect(program.target).toBe("local");
    expect(await isSecretOutput(program.mcpClientConfig)).toBe(true);
    const servers = serversByClient(await valueOf(program.mcpClientConfig));
    // Every MCP service of the catalogue on local, in catalogue order, with its (here operator-set) key.
    const mcpClients = servicesOn("local").flatMap((service) => {
      const mcp = mcpOf(runtimeOn(service, "local")!.shape);
      return mcp ? [mcp.clientName] : [];
    });
    expect(mcpClients.slice(0, 2)).toEqual(["quantmind-kb", "quantmind-qc"]);
    for (const client of Object.values(servers)) expect(Object.keys(client)).toEqual(mcpClients);
    expect(servers["cursor"]!["quantmind-kb"]!.url).toBe("http://127.0.0.1:8000/mcp");
    expect(servers["vscode"]!["quantmind-qc"]!.url).toBe("http://127.0.0.1:8001/mcp");
  });

  it("testnet: tunnelled endpoints and the SSH tunnel command", async () => {
    const home = await makeTempDir();
    // The program writes the Docker CLI's key file under ~/.quantmind/ssh; keep it out of the real home.
    vi.stubEnv("HOME", home.dir);
    try {
      const { program, leaks } = await runProgram("testnet");
      expect(leaks).toEqual([]);
      expect(await valueOf(program.accessNotes!)).toMatch(/^MCP endpoints listen on the Linux host's loopback/);
      expect(serversByClient(await valueOf(program.mcpClientConfig))["vscode"]!["quantmind-kb"]!.url).toBe("http://127.0.0.1:8000/mcp");
      expect(path.dirname((await import("../../infra/components/vps/ssh-key-file.js")).defaultSshKeyDir())).toBe(path.join(home.dir, ".quantmind"));
    } finally {
      vi.unstubAllEnvs();
      await home.remove();
    }
  });

  it("prod: HTTPS endpoints for every MCP service, the QuantConnect Lambda included", async () => {
    const { program, leaks } = await runProgram("prod");
    expect(leaks).toEqual([]);
    expect(program.target).toBe("aws");
    const servers = serversByClient(await valueOf(program.mcpClientConfig));
    const urls = Object.values(servers["cursor"]!).map((server) => server.url!);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) expect(url).toMatch(/^https:\/\/.+\/mcp$/);
    expect(Object.keys(servers["claudeDesktop"]!)).toEqual(Object.keys(servers["vscode"]!));
    expect(Object.keys(program.jobs ?? {})).toContain("kb-indexer");
  });
});
