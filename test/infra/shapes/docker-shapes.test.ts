/**
 * The made-up catalogue (one descriptor of every shape) on the Docker targets, local and vps,
 * under mocks: what each shape becomes there, from its shape alone.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployedTarget } from "../../../infra/targets/target.js";
import { installPulumiMocks, reveal, settled, valueOf, type PulumiMockRun, type RecordedResource } from "../../helpers/pulumi-mocks.js";
import { operatorStackConfig } from "../../helpers/stack-files.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

type TempDir = Awaited<ReturnType<typeof makeTempDir>>;
import { expectHardenedContainers, runningContainers, secretUploads, startCommandOf } from "../docker-assertions.js";
import { madeUpCatalogue, ONLY_SCHEDULED } from "./made-up-catalogue.js";

let temp: TempDir;
beforeAll(async () => {
  temp = await makeTempDir("qm-shapes-");
});
afterAll(async () => {
  await temp.remove();
});

async function deploy(stack: "dev" | "testnet", catalogue = madeUpCatalogue(temp.dir, [])): Promise<{ run: PulumiMockRun; target: DeployedTarget }> {
  const { config, secretKeys } = operatorStackConfig(stack);
  const run = await installPulumiMocks(stack, config, secretKeys);
  const { loadStackConfig, loadStackSecrets } = await import("../../../stacks/load.js");
  const parsed = loadStackConfig();
  let target: DeployedTarget;
  if (parsed.target === "local") {
    const { createLocalTarget } = await import("../../../infra/targets/local.js");
    target = createLocalTarget(parsed, loadStackSecrets(parsed), { catalogue });
  } else if (parsed.target === "vps") {
    const { createVpsTarget } = await import("../../../infra/targets/vps.js");
    target = createVpsTarget(parsed, loadStackSecrets(parsed), { sshKeyDir: path.join(temp.dir, "ssh"), catalogue });
  } else throw new Error(`${stack} is not a Docker target`);
  await settled(run);
  return { run, target };
}

const envOf = (container: RecordedResource) =>
  Object.fromEntries((reveal(container.inputs["envs"]) as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

describe.each([
  ["dev", "qm-dev"],
  ["testnet", "qm-testnet"],
] as const)("%s: every Docker-host shape from its descriptor", (stack, prefix) => {
  let run: PulumiMockRun;
  let target: DeployedTarget;
  const container = (service: string) => {
    const found = runningContainers(run).find((r) => r.inputs["name"] === `${prefix}-${service}`);
    if (!found) throw new Error(`no container ${prefix}-${service}`);
    return found;
  };
  beforeAll(async () => {
    ({ run, target } = await deploy(stack));
  });

  it("runs one hardened container per service, the Lambda and scheduled services as their Docker runtimes", () => {
    expect(runningContainers(run).map((r) => r.inputs["name"]).sort()).toEqual(
      ["made-agent", "made-daemon", "made-job", "made-lambda", "made-mcp", "made-scheduled", "made-worker", "qdrant", "redis"].map((s) => `${prefix}-${s}`),
    );
    expectHardenedContainers(run);
  });

  it("mcp: published on 127.0.0.1, probed at /healthz, restarted, waited for until healthy, listed with its key", async () => {
    const mcp = container("made-mcp");
    expect(reveal(mcp.inputs["ports"])).toEqual([{ internal: 8100, external: 8100, ip: "127.0.0.1" }]);
    expect((reveal(mcp.inputs["healthcheck"]) as { tests: string[] }).tests).toEqual(["CMD", "node", "/app/bin/healthcheck.js", "8100"]);
    expect(mcp.inputs["restart"]).toBe("unless-stopped");
    expect(startCommandOf(run, `${prefix}-made-mcp`)).toContain("docker restart");
    expect(startCommandOf(run, `${prefix}-made-mcp`)).toContain("healthy");
    expect(envOf(mcp)).toMatchObject({ LOG_LEVEL: expect.any(String), REDIS_URL: "redis://redis:6379", MCP_API_KEY_FILE: "/run/secrets/MCP_API_KEY" });
    expect(secretUploads(run, `${prefix}-made-mcp`).map((u) => u.file)).toEqual(["/run/secrets/MCP_API_KEY"]);
    const endpoint = target.mcpEndpoints.find((e) => e.service === "made-mcp")!;
    expect(endpoint.clientName).toBe("quantmind-made");
    expect(await valueOf(endpoint.url)).toBe("http://127.0.0.1:8100/mcp");
  });

  it("daemon with a health port: probed at its own path, and its MCP on the same port is an endpoint", async () => {
    const agent = container("made-agent");
    expect((reveal(agent.inputs["healthcheck"]) as { tests: string[] }).tests).toEqual(["CMD", "node", "/app/bin/healthcheck.js", "8080", "/ready"]);
    expect(reveal(agent.inputs["ports"])).toEqual([{ internal: 8080, external: 8080, ip: "127.0.0.1" }]);
    const endpoint = target.mcpEndpoints.find((e) => e.service === "made-agent")!;
    expect(await valueOf(endpoint.url)).toBe("http://127.0.0.1:8080/mcp");
  });

  it("daemon, queue worker and the scheduled service's daemon: no port, no inherited HTTP probe, restarted", () => {
    for (const service of ["made-daemon", "made-worker", "made-scheduled"]) {
      const c = container(service);
      expect(c.inputs["ports"], service).toEqual([]);
      expect(c.inputs["healthcheck"], service).toEqual({ tests: ["NONE"] });
      expect(c.inputs["restart"], service).toBe("unless-stopped");
      expect(target.endpoints[service], service).toBeUndefined();
    }
    expect(container("made-scheduled").inputs["command"]).toEqual(["made", "cron"]);
    expect(envOf(container("made-worker"))).toMatchObject({ REDIS_PASSWORD_FILE: "/run/secrets/REDIS_PASSWORD" });
  });

  it("job: runs to completion during the deploy (attached start, never restarted)", () => {
    const job = container("made-job");
    expect(job.inputs["restart"]).toBe("no");
    expect(job.inputs["healthcheck"]).toEqual({ tests: ["NONE"] });
    expect(startCommandOf(run, `${prefix}-made-job`)).toMatch(/docker start --attach qm-\w+-made-job$/);
  });

  it("lambda on aws: here its MCP container, on its own port and endpoint", async () => {
    expect(container("made-lambda").inputs["command"]).toEqual(["made", "lambda-http"]);
    expect(await valueOf(target.mcpEndpoints.find((e) => e.service === "made-lambda")!.url)).toBe("http://127.0.0.1:8102/mcp");
  });

  it("refuses a runtime the Docker host cannot run, naming it, before creating anything", async () => {
    await expect(deploy(stack, [ONLY_SCHEDULED])).rejects.toMatchObject({
      code: "SHAPE_NOT_ON_TARGET",
      message: expect.stringMatching(/^only-scheduled: the (local|vps) target cannot run a scheduled runtime/),
    });
  });
});

describe("testnet: the tunnel covers every published port", () => {
  it("lists each HTTP shape's port in the SSH tunnel command", async () => {
    const { target } = await deploy("testnet");
    const notes = String(await valueOf(target.accessNotes!));
    for (const port of [8100, 8080, 8102]) expect(notes).toContain(`-L ${port}:127.0.0.1:${port}`);
  });
});
