/**
 * The QuantConnect MCP server in its container, deployed as the Docker targets deploy it: the
 * catalogue's qc-mcp command, environment and secret files (QC_USER_ID, QC_API_TOKEN,
 * MCP_API_KEY), the shared hardening and health probe. Its QuantConnect API is the local
 * protocol-checking stand-in on 127.0.0.1, so no other address is contacted.
 */
import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SECRETS_DIR } from "../../infra/container-conventions.js";
import { startQcApiServer, type QcApiServer } from "../helpers/qc-api-server.js";
import { serviceCreateArgs, serviceHardening } from "./helpers/container-args.js";
import { createContainer, engineHardening, exec, kernelView, probeWrites, removeContainers, startContainer, waitForHealthy } from "./helpers/containers.js";
import { docker } from "./helpers/docker-cli.js";
import { freePort } from "./helpers/free-port.js";
import { TEST_CONTEXT } from "../helpers/deploy-context.js";
import { catalogueEntry } from "./helpers/kb-stack.js";
import { resourceName } from "./helpers/run.js";
import { createSecretsVolume } from "./helpers/secrets-volume.js";

describe("the QuantConnect MCP server in its container", () => {
  const run = inject("containerRun");
  const service = catalogueEntry("qc-mcp");
  const apiKey = randomBytes(24).toString("base64url");
  const name = resourceName(run, "qc-mcp");
  let qc: QcApiServer;
  let port: number;
  let secretsVolume: string | undefined;
  let client: Client | undefined;

  beforeAll(async () => {
    qc = await startQcApiServer();
    port = await freePort();
    secretsVolume = await createSecretsVolume(run, {
      role: "qc-mcp-secrets",
      image: run.image,
      owner: serviceHardening(service).user,
      files: { QC_USER_ID: qc.userId, QC_API_TOKEN: qc.apiToken, MCP_API_KEY: apiKey },
    });
    await createContainer(serviceCreateArgs({ run, name, service, context: TEST_CONTEXT, env: { QC_API_URL: qc.url }, secretsVolume, port }));
    await startContainer(name);
    const seconds = await waitForHealthy(name);
    process.stderr.write(`qc-mcp healthy ${seconds.toFixed(1)} s after start\n`);
  });
  afterAll(async () => {
    await client?.close();
    await removeContainers(name);
    if (secretsVolume) await docker(["volume", "rm", "-f", secretsVolume], { allowFailure: true });
    await qc?.close();
  });

  it("runs with the shared hardening, as 10001 with no capabilities", async () => {
    const h = serviceHardening(service);
    expect(await engineHardening(name)).toMatchObject({ user: h.user, readOnlyRootfs: true, capDrop: ["ALL"], pidsLimit: h.pidsLimit });
    const kernel = await kernelView(name);
    expect(kernel.uids).toEqual([10001, 10001, 10001, 10001]);
    expect(kernel.effectiveCapabilities).toBe(0n);
    expect(kernel.noNewPrivs).toBe(true);
  });

  it("can write only to /tmp", async () => {
    const writes = await probeWrites(name, ["/", "/app", SECRETS_DIR, "/tmp"]);
    expect(writes).toEqual({ "/": "Read-only file system", "/app": "Read-only file system", [SECRETS_DIR]: "Read-only file system", "/tmp": "ok" });
  });

  it("answers the official MCP client with its key, calling QuantConnect with the credentials from its secret files", async () => {
    client = new Client({ name: "container-tier", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { "x-api-key": apiKey } } }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("read_account");
    const account = (await client.callTool({ name: "read_account", arguments: {} })) as CallToolResult;
    expect(account.isError).toBeFalsy();
    // The stand-in only answers requests whose auth hash matches the user id and token it was given.
    expect(qc.calls.filter((c) => c.endpoint.includes("account/read")).map((c) => c.authorized)).toEqual([true]);
  });

  it("refuses /mcp without the key", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
  });

  it("its probe is the catalogue's, on the qc port", async () => {
    expect((await exec(name, ["node", "/app/bin/healthcheck.js", String(port)])).code).toBe(0);
  });
});
