/**
 * The knowledge base's OpenAI-compatible embedding endpoint from the stack: `kbEmbedder`,
 * `embeddingsUrl` and `embeddingsModel` reach kb-indexer and kb-mcp as environment, and the
 * optional `embeddingsApiKey` secret reaches those two only, as a file; left unset, no service
 * gets a key file.
 */
import { describe, expect, it } from "vitest";
import { secretConsumers } from "../../infra/secret-consumers.js";
import { secretOccurrences, type PulumiMockRun } from "../helpers/pulumi-mocks.js";
import { deployStackProgram } from "../helpers/stack-program.js";
import { externalOnlyStackConfig } from "../helpers/stack-files.js";

const KEY = "sk-embeddings-test-3e1f5a7c9b2d4f60";
const ENDPOINT = { "quantmind:kbEmbedder": "openai", "quantmind:embeddingsUrl": "https://embeddings.example.com/v1", "quantmind:embeddingsModel": "text-embedding-3-small" };

async function deployDev(extra: Record<string, string>, secretKeys: string[] = []): Promise<PulumiMockRun> {
  const { config, secretKeys: external } = externalOnlyStackConfig("dev", extra);
  return deployStackProgram("dev", config, [...external, ...secretKeys]);
}

const containersWith = (run: PulumiMockRun, text: string) =>
  run.ofType("docker:index/container:Container").filter((r) => JSON.stringify(r.inputs).includes(text)).map((r) => r.name).sort();

describe("the embedding endpoint's key", () => {
  it("reaches kb-indexer and kb-mcp only, as a file, with the endpoint and model as environment", async () => {
    const run = await deployDev({ ...ENDPOINT, "quantmind:embeddingsApiKey": KEY }, ["quantmind:embeddingsApiKey"]);
    const holders = [...new Set(secretOccurrences(run.resources, [KEY]).map((o) => `${o.where.split(".")[0]}${o.wrapped ? "" : " (plain)"}`))].sort();
    expect(holders).toEqual(["docker:index/container:Container kb-indexer-container-secrets", "docker:index/container:Container kb-mcp-container-secrets"]);
    expect(containersWith(run, "EMBEDDINGS_API_KEY_FILE=")).toEqual(["kb-indexer-container", "kb-mcp-container"]);
    expect(containersWith(run, "KB_EMBEDDER=openai")).toEqual(["kb-indexer-container", "kb-mcp-container"]);
    expect(containersWith(run, "EMBEDDINGS_URL=https://embeddings.example.com/v1")).toEqual(["kb-indexer-container", "kb-mcp-container"]);
    expect(secretConsumers("embeddingsApiKey")).toEqual(["kb-indexer", "kb-mcp"]);
  });

  it("is optional: a local endpoint without a key deploys, and no container gets a key file", async () => {
    const run = await deployDev({ ...ENDPOINT, "quantmind:embeddingsUrl": "http://10.0.0.5:11434/v1" });
    expect(containersWith(run, "EMBEDDINGS_API_KEY_FILE=")).toEqual([]);
    expect(containersWith(run, "KB_EMBEDDER=openai")).toEqual(["kb-indexer-container", "kb-mcp-container"]);
  });

  it("openai without its endpoint or model is refused with the commands", async () => {
    const { parseStackConfig } = await import("../../stacks/parse.js");
    const { config } = externalOnlyStackConfig("dev", { "quantmind:kbEmbedder": "openai" });
    expect(() => parseStackConfig("dev", config)).toThrow(
      "  - quantmind:embeddingsUrl is required when quantmind:kbEmbedder=openai\n  - quantmind:embeddingsModel is required when quantmind:kbEmbedder=openai\nrun:\n  pulumi config set --stack dev quantmind:embeddingsUrl https://<endpoint>/v1\n  pulumi config set --stack dev quantmind:embeddingsModel <model, e.g. text-embedding-3-small>",
    );
  });
});
