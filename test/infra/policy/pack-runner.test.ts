/**
 * The policy pack booted the way `pulumi preview --policy-pack infra/policy` boots it: Pulumi's
 * Node.js runner (@pulumi/pulumi/cmd/run-policy-pack, which the CLI's pulumi-analyzer-policy
 * script resolves and runs with node) in the pack directory, with the engine address, ".", and
 * PulumiPolicy.yaml's runtime options as arguments. The test then speaks the analyzer gRPC
 * protocol to it as the engine does. Only the CLI itself is missing here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb.js";
import { AnalyzeRequest, AnalyzerResourceOptions, EnforcementLevel, type AnalyzeResponse, type AnalyzerInfo } from "@pulumi/pulumi/proto/analyzer_pb.js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb.js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QDRANT } from "../../../infra/backends.js";
import { dockerContainerHardening } from "../../../infra/hardening.js";
import { policies } from "../../../infra/policy/policies.js";

const PACK_DIR = path.resolve(import.meta.dirname, "../../../infra/policy");
const RUNNER = createRequire(path.join(PACK_DIR, "package.json")).resolve("@pulumi/pulumi/cmd/run-policy-pack");

function startPack(): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    // The engine address is only dialled for logging; nothing listens there in this test.
    const child = spawn(process.execPath, [RUNNER, "127.0.0.1:9", ".", "-packagemanager=npm", "-typescript=false", "-nodeargs=--import=tsx"], {
      cwd: PACK_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const port = /^(\d+)\s*$/m.exec(stdout)?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("exit", (code) => reject(new Error(`policy pack exited (${code}) before serving: ${stderr}`)));
  });
}

const call = <T>(invoke: (callback: (error: grpc.ServiceError | null, response: T) => void) => unknown) =>
  new Promise<T>((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response))));

describe("policy pack under Pulumi's runner", () => {
  let pack: { child: ChildProcess; port: number };
  let client: AnalyzerClient;

  beforeAll(async () => {
    pack = await startPack();
    client = new AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
  }, 60_000);
  afterAll(() => {
    client?.close();
    pack?.child.kill();
  });

  it("reports the quantmind pack with every policy mandatory", async () => {
    const info = await call<AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
    expect(info.getName()).toBe("quantmind");
    expect(info.getVersion()).toBe("0.1.0");
    const served = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
    expect(served.sort()).toEqual(policies.map((p) => [p.name, EnforcementLevel.MANDATORY]).sort());
  });

  it("refuses a Redis container published on every interface, and passes a hardened private one", async () => {
    const analyze = (name: string, props: Record<string, unknown>) => {
      const request = new AnalyzeRequest()
        .setType("docker:index/container:Container")
        .setName(name)
        .setUrn(`urn:pulumi:dev::quantmind::quantmind:docker:Redis$docker:index/container:Container::${name}`)
        // The engine always sends the resource's options; the SDK refuses a request without them.
        .setOptions(new AnalyzerResourceOptions())
        .setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]));
      return call<AnalyzeResponse>((cb) => client.analyze(request, cb));
    };
    const hardened = dockerContainerHardening(QDRANT.hardening) as Record<string, unknown>;
    const clean = await analyze("redis-container", { name: "qm-dev-redis", image: "redis:7.4.7-bookworm", ...hardened, ports: [] });
    expect(clean.getDiagnosticsList().map((d) => d.getMessage())).toEqual([]);

    const exposed = await analyze("redis-container", { name: "qm-dev-redis", image: "redis:7.4.7-bookworm", ...hardened, ports: [{ internal: 6379, external: 6379 }] });
    expect(exposed.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()])).toEqual([["no-public-qdrant-or-redis", EnforcementLevel.MANDATORY]]);
    expect(exposed.getDiagnosticsList()[0]?.getMessage()).toMatch(/redis container publishes container port 6379 on 0\.0\.0\.0/);
  });
});
