/**
 * The API key of a single-user install: generated on first use into a 0600 file in the data
 * directory, so `npm start` is authenticated without any set-up and the key never appears in
 * a log or on a command line. Deployed targets deliver keys as secrets (MCP_API_KEY_FILE).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "../errors.js";

export interface ApiKeySource {
  key: string;
  /** The file holding the key, when it came from one. */
  file?: string;
  created: boolean;
}

export async function loadOrCreateApiKey(dataDir: string): Promise<ApiKeySource> {
  const file = path.resolve(dataDir, "api-key");
  try {
    const key = (await readFile(file, "utf8")).trim();
    if (key.length < 16) throw new ConfigError(`${file} holds a key shorter than 16 characters: delete it to generate a new one`);
    return { key, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString("base64url");
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateApiKey(dataDir);
    throw error;
  }
  return { key, file, created: true };
}
