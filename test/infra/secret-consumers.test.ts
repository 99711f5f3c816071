/** Which services a rotated secret reaches: derived from the catalogue and the backends. */
import { describe, expect, it } from "vitest";
import { SERVICE_CATALOGUE } from "../../infra/catalogue.js";
import type { AnyServiceDescriptor } from "../../infra/descriptor.js";
import { secretConsumers } from "../../infra/secret-consumers.js";

describe("secretConsumers", () => {
  it("names the backend configured with the secret and every catalogue entry that receives it", () => {
    expect(secretConsumers("qdrantApiKey")).toEqual(["qdrant", "kb-indexer", "kb-mcp", "backup"]);
    expect(secretConsumers("redisPassword")).toEqual(["redis", ...SERVICE_CATALOGUE.filter((s) => Object.values(s.run.secrets).includes("redisPassword")).map((s) => s.name)]);
    expect(secretConsumers("kbMcpApiKey")).toEqual(["kb-mcp"]);
    expect(secretConsumers("vpsSshPrivateKey")).toEqual([]);
  });

  it("follows the catalogue: a new entry that receives a secret is a new consumer", () => {
    const base = SERVICE_CATALOGUE[1]!;
    const worker = { ...base, name: "backtest-worker", run: { ...base.run, secrets: { REDIS_PASSWORD: "redisPassword" } } } satisfies AnyServiceDescriptor;
    expect(secretConsumers("redisPassword", [...SERVICE_CATALOGUE, worker])).toContain("backtest-worker");
    expect(secretConsumers("kbMcpApiKey", [worker])).toEqual([]);
  });
});
