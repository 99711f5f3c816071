import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedder, EmbedderConfigSchema } from "../../../services/kb/embed/create-embedder.js";
import { BackendUnavailableError } from "../../../services/kb/errors.js";
import { ConfigError } from "../../../services/shared/errors.js";
import { NATIVE_DIMENSION, SERVER_KEY, startEmbeddingsServer, type EmbeddingsServer } from "./embeddings-server.js";

let server: EmbeddingsServer;
beforeAll(async () => {
  server = await startEmbeddingsServer();
});
afterAll(() => server.close());

async function configError(config: unknown): Promise<string> {
  const error = await createEmbedder(config as never).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

describe("createEmbedder config validation", () => {
  it("names a missing baseUrl for the openai provider", async () => {
    expect(await configError({ provider: "openai", model: "m" })).toMatch(/baseUrl: /);
  });

  it("names a baseUrl that is not http(s)", async () => {
    expect(await configError({ provider: "openai", baseUrl: "ftp://host/v1", model: "m" })).toMatch(
      /baseUrl: must be an http\(s\) URL/,
    );
  });

  it("names every bad field at once", async () => {
    const message = await configError({ provider: "openai", baseUrl: "http://h/v1", model: "", dimension: 0 });
    expect(message).toMatch(/model: /);
    expect(message).toMatch(/dimension: /);
  });

  it("names an unknown provider", async () => {
    expect(await configError({ provider: "cohere" })).toContain('provider: must be "use-lite", "static" or "openai"');
  });

  it("names a field the provider does not take", async () => {
    expect(await configError({ provider: "use-lite", baseUrl: "http://h/v1" })).toContain(
      "baseUrl: not a field of this provider",
    );
  });

  it("accepts both providers' documented shapes", () => {
    expect(EmbedderConfigSchema.safeParse({ provider: "use-lite" }).success).toBe(true);
    expect(
      EmbedderConfigSchema.safeParse({
        provider: "openai",
        baseUrl: "https://api.example.com/v1",
        model: "text-embedding-3-small",
        apiKey: "k",
        dimension: 256,
        maxInputTokens: 1000,
      }).success,
    ).toBe(true);
  });
});

describe("createEmbedder", () => {
  it("builds the bundled USE-lite embedder by default", async () => {
    const embedder = await createEmbedder({ provider: "use-lite" });
    expect(embedder.model).toMatch(/^use-lite@/);
    expect(embedder.dimension).toBe(512);
  });

  it("returns an OpenAI-compatible embedder whose dimension is already known", async () => {
    server.reset();
    const embedder = await createEmbedder({ provider: "openai", baseUrl: server.baseUrl, model: "m", apiKey: SERVER_KEY });
    expect(embedder.dimension).toBe(NATIVE_DIMENSION);
    expect(server.requests).toHaveLength(1);
    expect(embedder.maxInputTokens).toBe(512);
  });

  it("fails at creation when the endpoint refuses the key", async () => {
    const error = await createEmbedder({ provider: "openai", baseUrl: server.baseUrl, model: "m", apiKey: "nope-key-123" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).not.toContain("nope-key-123");
  });
});
