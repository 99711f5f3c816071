/**
 * Loads config/brokers.yaml: YAML with line numbers, `${VAR}` substitution, then zod per broker
 * kind. Every error names the file, the line, the broker and the field.
 *
 * A disabled entry may reference variables that are not set (nobody configured Binance on a dev
 * machine): its problem is kept on the entry and raised only when someone uses that broker. An
 * enabled entry with a problem stops the load.
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Env } from "../../shared/config.js";
import { ConfigError } from "../../shared/errors.js";
import { registerSecret } from "../../shared/logger.js";
import type { BrokerKind } from "../broker.js";
import { BROKER_NAME, BrokerEntrySchema, SECRET_FIELDS, type BrokerEntry } from "./schema.js";
import { substitute, SubstitutionError } from "./substitute.js";

/** One entry of the file, usable or not. */
export interface BrokerConfigEntry {
  name: string;
  /** As written, when it names a kind we know. */
  kind?: BrokerKind;
  enabled: boolean;
  trading: boolean;
  testnet?: boolean;
  description: string;
  /** The validated entry; absent when `error` says why. */
  entry?: BrokerEntry;
  error?: ConfigError;
}

export interface BrokersConfig {
  file: string;
  brokers: BrokerConfigEntry[];
}

type Path = (string | number)[];

class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** `file:line` of the deepest node along `path` that exists (a missing field: its parent). */
  at(path: Path, key?: boolean): string {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.node(path.slice(0, depth), key === true && depth === path.length);
      if (node?.range) return `${this.file}:${this.lines.linePos(node.range[0]).line}`;
    }
    return this.file;
  }

  private node(path: Path, key: boolean): Node | undefined {
    if (!key) return this.doc.getIn(path, true) as Node | undefined;
    const parent = this.doc.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1]);
    return pair?.key as Node | undefined;
  }
}

/** Reads and validates the file. Throws ConfigError for a broken file or a broken enabled entry. */
export function loadBrokersConfig(file: string, env: Env): BrokersConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`${file} cannot be read (${reason}): set BROKERS_CONFIG or create the file`);
  }
  return parseBrokersConfig(text, file, env);
}

/** Parses the file's text; `file` is only used in messages. */
export function parseBrokersConfig(text: string, file: string, env: Env): BrokersConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locate = new Locator(file, doc, lines);
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw new ConfigError(`${file}:${line}: not valid YAML (${syntax.code}): ${syntax.message.split("\n")[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new ConfigError(`${file}:1: expected a mapping with one key, brokers`);
  for (const item of root.items) {
    const key = isScalar(item.key) ? String(item.key.value) : "?";
    if (key !== "brokers") throw new ConfigError(`${locate.at([key], true)}: unknown top-level key ${JSON.stringify(key)}: only brokers is allowed`);
  }
  const brokersNode = doc.get("brokers", true);
  if (!isMap(brokersNode)) throw new ConfigError(`${locate.at(["brokers"])}: brokers must map each broker's name to its settings`);

  const brokers: BrokerConfigEntry[] = [];
  for (const item of brokersNode.items) {
    const name = isScalar(item.key) ? String(item.key.value) : "";
    if (!BROKER_NAME.test(name)) {
      throw new ConfigError(`${locate.at(["brokers", name], true)}: broker name ${JSON.stringify(name)} must be lower-case letters, digits, _ or - (at most 64)`);
    }
    const entry = loadEntry(name, (item.value as Node | null)?.toJSON() as unknown, env, locate);
    if (entry.error && entry.enabled) throw entry.error;
    brokers.push(entry);
  }
  return { file, brokers };
}

function loadEntry(name: string, raw: unknown, env: Env, locate: Locator): BrokerConfigEntry {
  const base = ["brokers", name];
  const summary: BrokerConfigEntry = { name, enabled: false, trading: false, description: "" };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    summary.error = new ConfigError(`${locate.at(base)}: broker ${name}: expected a mapping of settings`);
    return summary;
  }
  const fields = raw as Record<string, unknown>;
  const kinds: readonly string[] = ["mt5_mock", "mt5_socket", "binance_spot", "binance_futures"];
  if (typeof fields.kind === "string" && kinds.includes(fields.kind)) summary.kind = fields.kind as BrokerKind;
  if (typeof fields.description === "string") summary.description = fields.description;

  // `enabled` decides whether the rest must resolve, so it is substituted on its own first.
  const substituted: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    try {
      substituted[field] = substituteValue(value, env, SECRET_FIELDS.has(field));
    } catch (error) {
      if (!(error instanceof SubstitutionError)) throw error;
      const problem = new ConfigError(`${locate.at([...base, field])}: broker ${name}, field ${field}: ${error.message}`);
      if (field === "enabled") throw problem;
      summary.error ??= problem;
    }
  }
  if (![undefined, true, false, "true", "false"].includes(substituted.enabled as string)) {
    throw new ConfigError(`${locate.at([...base, "enabled"])}: broker ${name}, field enabled: expected true or false`);
  }
  summary.enabled = substituted.enabled === true || substituted.enabled === "true";
  summary.trading = substituted.trading === true || substituted.trading === "true";
  if (summary.kind?.startsWith("binance")) summary.testnet = substituted.testnet !== false && substituted.testnet !== "false";
  if (summary.error) return summary;

  const parsed = BrokerEntrySchema.safeParse(substituted);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    const path: Path = [...base, ...(issue.path as Path), ...(unknownKey === undefined ? [] : [unknownKey])];
    const field = path.slice(2).join(".") || "kind";
    const what =
      unknownKey !== undefined
        ? `unknown field (fields of ${String(fields.kind)}: ${allowedFields(fields.kind)})`
        : issue.code === "invalid_union"
          ? `kind must be one of ${kinds.join(", ")}`
          : issue.message;
    summary.error = new ConfigError(`${locate.at(path, unknownKey !== undefined)}: broker ${name}, field ${field}: ${what}`);
    return summary;
  }
  summary.entry = parsed.data;
  summary.enabled = parsed.data.enabled;
  summary.trading = parsed.data.trading;
  return summary;
}

function substituteValue(value: unknown, env: Env, secret: boolean): unknown {
  if (typeof value === "string") {
    const result = substitute(value, env, (_name, variableValue) => {
      if (secret) registerSecret(variableValue);
    });
    if (secret) registerSecret(result);
    return result;
  }
  if (Array.isArray(value)) return value.map((item) => substituteValue(item, env, secret));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteValue(item, env, secret)]));
  }
  return value;
}

function allowedFields(kind: unknown): string {
  const option = BrokerEntrySchema.options.find((schema) => schema.shape.kind.value === kind);
  return option ? Object.keys(option.shape).join(", ") : "?";
}
