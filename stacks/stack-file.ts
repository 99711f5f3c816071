/**
 * Reads and writes `Pulumi.<stack>.yaml` through the `yaml` Document API, so a rewrite keeps the
 * file's comments, `encryptionsalt`, `secure:` values and key order, and changes only the keys
 * set through it.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { isMap, isScalar, parseDocument, visit, type Document, type Node, type YAMLMap } from "yaml";
import { StackFileError } from "./errors.js";

/** What promotion needs from a stack file: no I/O, no YAML. */
export interface StackSnapshot {
  /** Stack name, as in `Pulumi.<name>.yaml` and `--stack <name>`. */
  readonly name: string;
  /** Plain values by full key (`quantmind:target`): scalars as the strings Pulumi reads, structured values as JSON. */
  readonly values: Readonly<Record<string, string>>;
  /** Full keys whose value is encrypted (`secure: v1:...`). */
  readonly secureKeys: ReadonlySet<string>;
}

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/** Options for writing: never fold long values (SSH keys, ARNs) across lines. */
const TO_STRING = { lineWidth: 0, minContentWidth: 0 } as const;

export function stackFilePath(dir: string, stack: string): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

/** Names of the stacks that have a `Pulumi.<stack>.yaml` in `dir`. */
export async function listStackNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir);
  return entries.flatMap((entry) => STACK_FILE.exec(entry)?.[1] ?? []).sort();
}

export class StackFile implements StackSnapshot {
  private constructor(
    readonly name: string,
    readonly path: string,
    private readonly doc: Document.Parsed,
  ) {}

  /** Reads `Pulumi.<stack>.yaml` from `dir`; a missing or malformed file is a {@link StackFileError}. */
  static async read(dir: string, stack: string): Promise<StackFile> {
    const file = stackFilePath(dir, stack);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new StackFileError(`${file} does not exist: create the stack first (pulumi stack init ${stack}), then set quantmind:target and quantmind:environment`);
      }
      throw new StackFileError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
    return StackFile.parse(stack, file, text);
  }

  /** Parses stack-file text; `file` only names it in errors. */
  static parse(stack: string, file: string, text: string): StackFile {
    const doc = parseDocument(text, { keepSourceTokens: false });
    if (doc.errors.length > 0) {
      throw new StackFileError(`${file} is not valid YAML: ${doc.errors.map((error) => error.message.split("\n")[0]).join("; ")}`);
    }
    const contents = doc.contents;
    if (contents !== null && !isMap(contents)) throw new StackFileError(`${file} must be a YAML mapping (encryptionsalt:, config:)`);
    const config = doc.get("config", true);
    if (config !== undefined && config !== null && !isMap(config) && !(isScalar(config) && config.value === null)) {
      throw new StackFileError(`${file}: "config" must be a mapping of keys such as quantmind:target to values`);
    }
    for (const pair of configMap(doc)?.items ?? []) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key !== "string") throw new StackFileError(`${file}: every config key must be a string such as quantmind:target, found ${JSON.stringify(key)}`);
    }
    return new StackFile(stack, file, doc);
  }

  get values(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [key, node] of this.entries()) {
      if (!isSecure(node)) values[key] = plainValue(node);
    }
    return values;
  }

  get secureKeys(): Set<string> {
    return new Set(this.entries().flatMap(([key, node]) => (isSecure(node) ? [key] : [])));
  }

  /**
   * Copies `key` from `source`. An existing scalar is changed in place, so a comment on its line
   * stays; a new key is appended to `config:`, which is created if the file has none. Comments
   * describe their own stack, so the source's are not carried over.
   */
  copyFrom(source: StackFile, key: string): void {
    const node = source.node(key);
    if (node === undefined) throw new StackFileError(`${source.path} has no ${key} to copy`);
    if (isSecure(node)) throw new StackFileError(`${key} is encrypted in ${source.path}: secrets are never copied between stacks`);
    const existing = this.node(key);
    if (existing !== undefined && isSecure(existing)) throw new StackFileError(`${key} is encrypted in ${this.path}: its secure value is never overwritten`);
    if (existing !== undefined && isScalar(existing) && isScalar(node)) {
      existing.value = node.value;
      existing.type = node.type;
      return;
    }
    let config = configMap(this.doc);
    if (config === undefined) {
      this.doc.set("config", this.doc.createNode({}));
      config = configMap(this.doc) as YAMLMap<unknown, Node | null>;
    }
    config.set(key, node === null ? null : withoutComments(node.clone() as Node));
  }

  toString(): string {
    return this.doc.toString(TO_STRING);
  }

  /** Writes the file atomically (temp file and rename), keeping its permissions. */
  async write(): Promise<void> {
    const temp = `${this.path}.${randomBytes(4).toString("hex")}.tmp`;
    const mode = await stat(this.path).then((s) => s.mode & 0o777, () => 0o644);
    try {
      await writeFile(temp, this.toString(), { mode });
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw new StackFileError(`cannot write ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  private node(key: string): Node | null | undefined {
    return this.entries().find(([name]) => name === key)?.[1];
  }

  private entries(): [string, Node | null][] {
    return (configMap(this.doc)?.items ?? []).map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), pair.value ?? null]);
  }
}

function configMap(doc: Document): YAMLMap<unknown, Node | null> | undefined {
  const config = doc.get("config", true);
  return isMap(config) ? (config as YAMLMap<unknown, Node | null>) : undefined;
}

/** `key: { secure: v1:... }`: Pulumi's encrypted value. */
function isSecure(node: Node | null): boolean {
  return isMap(node) && node.items.length === 1 && isScalar(node.items[0]?.key) && node.items[0].key.value === "secure";
}

/** The string Pulumi's config API returns for a value: scalars as text, structures as JSON. */
function plainValue(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return "";
  if (isScalar(node)) return String(node.value);
  return JSON.stringify(node.toJSON());
}

function withoutComments(node: Node): Node {
  visit(node, {
    Node(_key, child) {
      child.comment = undefined;
      child.commentBefore = undefined;
    },
  });
  return node;
}
