/**
 * A descriptor's environment is typed by its service's zod schema: a misspelt variable in `env`,
 * `secrets` or a Lambda's `secretRefs` fails `tsc` (each `@ts-expect-error` below fails the
 * typecheck if the error it expects ever goes away). At run time the same descriptors are what
 * the checks in this file call.
 */
import { describe, expect, it } from "vitest";
import { defineService, httpOf, mcpOf, resolveEnv, type EnvName, type EnvSpec } from "../../infra/descriptor.js";
import type { KbEnvSchema } from "../../services/kb/config.js";
import { kbMcpDeploy } from "../../services/kb/deploy.js";

type KbVariable = EnvName<typeof KbEnvSchema>;

describe("descriptor types", () => {
  it("accept the schema's own variables and refuse misspelt ones", () => {
    const good = defineService<KbVariable>({ ...kbMcpDeploy, run: { ...kbMcpDeploy.run, env: { QDRANT_URL: (c) => c.qdrantUrl, LOG_LEVEL: (c) => c.logLevel } } });
    defineService<KbVariable>({
      ...kbMcpDeploy,
      // @ts-expect-error QDRANT_ULR is not a variable of KbEnvSchema
      run: { ...kbMcpDeploy.run, env: { QDRANT_URL: (c) => c.qdrantUrl, QDRANT_ULR: (c) => c.qdrantUrl } },
    });
    const shared: EnvSpec<KbVariable> = {
      LOG_LEVEL: (c) => c.logLevel,
      // @ts-expect-error a shared piece is checked where it is declared
      LOGLEVEL: (c) => c.logLevel,
    };
    defineService<KbVariable>({
      ...kbMcpDeploy,
      // @ts-expect-error MCP_APIKEY is not a variable of KbEnvSchema
      run: { ...kbMcpDeploy.run, secrets: { MCP_APIKEY: "kbMcpApiKey" } },
    });
    defineService<KbVariable>({
      ...kbMcpDeploy,
      // @ts-expect-error a secret must be a stack secret a service may receive
      run: { ...kbMcpDeploy.run, secrets: { MCP_API_KEY: "vpsSshPrivateKey" } },
    });
    const context = { target: "local", qdrantUrl: "http://qdrant:6333", redisUrl: "", logLevel: "warn", kbCollection: "c", backup: { redisSchedule: "", qdrantSchedule: "", keepHourly: 0, keepDaily: 0, keepWeekly: 0 } } as const;
    expect(resolveEnv(good.run, context)).toEqual({ QDRANT_URL: "http://qdrant:6333", LOG_LEVEL: "warn" });
    // A variable whose value is undefined is left unset.
    expect(resolveEnv({ env: { LOG_LEVEL: shared.LOG_LEVEL, QDRANT_URL: () => undefined } }, context)).toEqual({ LOG_LEVEL: "warn" });
  });

  it("read a shape's HTTP listener and MCP endpoint whichever shape carries them", () => {
    expect(httpOf({ kind: "mcp", port: 8000, mcp: { clientName: "c", apiKeySecret: "kbMcpApiKey" } })).toEqual({ port: 8000, healthPath: "/healthz" });
    expect(httpOf({ kind: "daemon", http: { port: 8080, healthPath: "/ready" } })).toEqual({ port: 8080, healthPath: "/ready" });
    expect(httpOf({ kind: "daemon" })).toBeUndefined();
    expect(httpOf({ kind: "queue-worker", queue: "q" })).toBeUndefined();
    expect(mcpOf({ kind: "daemon", http: { port: 8080, mcp: { clientName: "agent", apiKeySecret: "kbMcpApiKey" } } })?.clientName).toBe("agent");
    expect(mcpOf({ kind: "job" })).toBeUndefined();
  });
});
