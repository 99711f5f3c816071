/**
 * A made-up catalogue with one descriptor of every shape (and a daemon that also serves MCP on
 * its health port, like the coming strategy agent), none of them a real service: the targets
 * must deploy them from their shapes alone. Shared by the local, vps and aws shape tests.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { defineService, type AnyServiceDescriptor, type EnvSpec, type Runtime } from "../../../infra/descriptor.js";

type Variable = "LOG_LEVEL" | "REDIS_URL" | "REDIS_PASSWORD" | "QDRANT_URL" | "MCP_API_KEY" | "BUCKET" | "SECRET_ARN";

const base = {
  env: { LOG_LEVEL: (c) => c.logLevel, REDIS_URL: (c) => c.redisUrl } satisfies EnvSpec<Variable>,
  secrets: {},
  tmpfsPaths: ["/tmp"],
  limits: { memoryMb: 512, cpus: 0.5, pidsLimit: 64 },
  backends: [],
  stateless: false,
} satisfies Omit<Runtime<Variable>, "shape" | "command">;

const parse = (env: Record<string, string | undefined>) => env;
const everywhere = ["local", "vps", "aws"] as const;

export const MADE_JOB = defineService<Variable>({
  name: "made-job",
  description: "a one-shot job",
  targets: everywhere,
  run: { ...base, shape: { kind: "job" }, command: ["made", "job"], backends: ["qdrant"] },
  parse,
});

export const MADE_MCP = defineService<Variable>({
  name: "made-mcp",
  description: "an MCP server that waits for the job and scales on CPU",
  targets: everywhere,
  run: {
    ...base,
    shape: { kind: "mcp", port: 8100, mcp: { clientName: "quantmind-made", apiKeySecret: "kbMcpApiKey" } },
    command: ["made", "serve"],
    secrets: { MCP_API_KEY: "kbMcpApiKey" },
    backends: ["redis"],
    after: ["made-job"],
    stateless: true,
    scaling: { signal: "cpu", targetPercent: 50 },
  },
  parse,
});

/** Health on 8080 at /ready, and MCP on the same port: the shape of the strategy agent. */
export const MADE_AGENT = defineService<Variable>({
  name: "made-agent",
  description: "a daemon with health on 8080 that also serves MCP there",
  targets: everywhere,
  run: {
    ...base,
    shape: { kind: "daemon", http: { port: 8080, healthPath: "/ready", mcp: { clientName: "quantmind-made-agent", apiKeySecret: "kbMcpApiKey" } } },
    command: ["made", "agent"],
    secrets: { MCP_API_KEY: "kbMcpApiKey", REDIS_PASSWORD: "redisPassword" },
    backends: ["redis"],
  },
  parse,
});

export const MADE_DAEMON = defineService<Variable>({
  name: "made-daemon",
  description: "a daemon with no port",
  targets: everywhere,
  run: { ...base, shape: { kind: "daemon" }, command: ["made", "daemon"] },
  parse,
});

export const MADE_WORKER = defineService<Variable>({
  name: "made-worker",
  description: "a queue worker that scales on its queue's depth",
  targets: everywhere,
  run: {
    ...base,
    shape: { kind: "queue-worker", queue: "made-jobs" },
    command: ["made", "work"],
    secrets: { REDIS_PASSWORD: "redisPassword" },
    backends: ["redis"],
    stateless: true,
    scaling: { signal: "queue-depth", backlogPerTask: 5, minTasks: 1, maxTasks: 4 },
  },
  parse,
});

/** A daemon with its own cron on the Docker hosts; two scheduled runs writing to the object store on aws. */
export const MADE_SCHEDULED = defineService<Variable>({
  name: "made-scheduled",
  description: "scheduled runs",
  targets: everywhere,
  run: { ...base, shape: { kind: "daemon" }, command: ["made", "cron"] },
  runOn: {
    aws: {
      ...base,
      shape: {
        kind: "scheduled",
        runs: [
          { id: "hourly", cron: () => "5 * * * *", description: "hourly run" },
          { id: "nightly", command: ["made", "run", "--full"], cron: (c) => c.backup.qdrantSchedule, description: "nightly run" },
        ],
        alerts: {
          namespace: "QuantMind/Made",
          failure: { metric: "MadeFailures", pattern: '{ $.level >= 50 }', description: "a made run failed" },
          success: { metric: "MadeSuccesses", pattern: '{ $.msg = "done" }', description: "no made run succeeded", withinHours: 6 },
        },
      },
      command: ["made", "run"],
      env: { LOG_LEVEL: (c) => c.logLevel, BUCKET: (c) => c.objectStore?.bucket },
      objectStore: true,
    },
  },
  parse,
});

/** An MCP container on the Docker hosts, a Lambda on aws built by its own bundler. */
export function madeLambda(bundleDir: string, calls: string[]): AnyServiceDescriptor {
  return defineService<Variable>({
    name: "made-lambda",
    description: "an MCP server that is a Lambda on aws",
    targets: everywhere,
    run: {
      ...base,
      shape: { kind: "mcp", port: 8102, mcp: { clientName: "quantmind-made-lambda", apiKeySecret: "qcMcpApiKey" } },
      command: ["made", "lambda-http"],
      secrets: { MCP_API_KEY: "qcMcpApiKey" },
    },
    runOn: {
      aws: {
        ...base,
        shape: {
          kind: "lambda",
          mcp: { clientName: "quantmind-made-lambda", apiKeySecret: "qcMcpApiKey" },
          bundle: async () => {
            const file = path.join(bundleDir, "made-lambda.js");
            await writeFile(file, "exports.handler = async () => ({ statusCode: 204 });\n");
            calls.push(file);
            return file;
          },
          handler: "index.handler",
          memoryMb: 256,
          timeoutSeconds: 10,
          secretRefs: { SECRET_ARN: { id: "key", namePrefix: "made-key-", description: "the made key", value: "qcMcpApiKey" } },
        },
        command: [],
        env: { LOG_LEVEL: (c) => c.logLevel },
      },
    },
    parse,
  });
}

export function madeUpCatalogue(bundleDir: string, calls: string[]): AnyServiceDescriptor[] {
  return [MADE_JOB, MADE_MCP, MADE_AGENT, MADE_DAEMON, MADE_WORKER, MADE_SCHEDULED, madeLambda(bundleDir, calls)];
}

/** A runtime the Docker hosts cannot run: scheduled everywhere, with no daemon for them. */
export const ONLY_SCHEDULED = defineService<Variable>({
  name: "only-scheduled",
  description: "scheduled on every target",
  targets: everywhere,
  run: { ...base, shape: { kind: "scheduled", runs: [{ id: "run", cron: () => "0 * * * *", description: "run" }] }, command: ["made", "run"] },
  parse,
});
