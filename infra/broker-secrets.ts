/**
 * Broker secrets: the `${VAR}` variables config/brokers.yaml's enabled entries use become stack
 * config `quantmind:<VAR>` (the variable's exact name), set with `pulumi config set --secret`
 * and delivered only to the services whose runtime reads brokers (`brokers: true`), as
 * `<VAR>_FILE` on the Docker targets and by Secrets Manager reference on aws.
 *
 * Which variables an entry uses, and which have a default, is learnt from the brokers loader's
 * own substitution (services/brokers/config/substitute.ts), never by parsing `${...}` here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { substitute, SubstitutionError } from "../services/brokers/config/substitute.js";
import type { Env } from "../services/shared/config.js";
import { PACKAGE_ROOT } from "../services/shared/package-root.js";

/** The file the image ships and the services read (BROKERS_CONFIG's default). */
export const BROKERS_FILE = path.join(PACKAGE_ROOT, "config", "brokers.yaml");

/** One variable a broker entry uses; `required` when it has no `:-default`. */
export interface BrokerVariable {
  name: string;
  required: boolean;
}

interface BrokerFileEntry {
  broker: string;
  /** The entry's `enabled` as written (true, false, or a string with variables). */
  enabled: unknown;
  variables: BrokerVariable[];
}

export interface BrokerSecretNeeds {
  /** Variables of enabled entries that the stack sets: delivered to every broker-reading service. */
  deliver: string[];
  /** Variables without a default that an enabled entry uses and the stack does not set. */
  missing: { variable: string; broker: string }[];
}

const cache = new Map<string, BrokerFileEntry[]>();

/** The entries of a brokers file with the variables each uses (read once per process). */
export function brokerFileEntries(file: string = BROKERS_FILE): BrokerFileEntry[] {
  const cached = cache.get(file);
  if (cached) return cached;
  const document = parse(readFileSync(file, "utf8")) as { brokers?: Record<string, Record<string, unknown> | null> } | null;
  const entries = Object.entries(document?.brokers ?? {}).map(([broker, fields]) => ({
    broker,
    enabled: fields?.["enabled"],
    variables: variablesOf(Object.values(fields ?? {})),
  }));
  cache.set(file, entries);
  return entries;
}

/** Every variable name any entry of the file uses: the `quantmind:` keys a stack may set for brokers. */
export function brokerVariableNames(file: string = BROKERS_FILE): Set<string> {
  return new Set(brokerFileEntries(file).flatMap((entry) => entry.variables.map((variable) => variable.name)));
}

/**
 * What the stack must set and deliver for brokers, given its `quantmind:` values. `providedByServices`
 * are variables the broker-reading runtimes set themselves (e.g. the bridge token from a stack
 * secret of its own): neither missing nor delivered again.
 */
export function brokerSecretNeeds(values: Readonly<Record<string, string>>, providedByServices: ReadonlySet<string>, file: string = BROKERS_FILE): BrokerSecretNeeds {
  const env: Env = Object.fromEntries([...brokerVariableNames(file)].flatMap((name) => (values[name] === undefined ? [] : [[name, values[name]]])));
  const deliver = new Set<string>();
  const missing: BrokerSecretNeeds["missing"] = [];
  for (const entry of brokerFileEntries(file)) {
    if (!isEnabled(entry, env)) continue;
    for (const variable of entry.variables) {
      if (providedByServices.has(variable.name)) continue;
      if (env[variable.name] !== undefined) deliver.add(variable.name);
      else if (variable.required && !missing.some((m) => m.variable === variable.name)) missing.push({ variable: variable.name, broker: entry.broker });
    }
  }
  return { deliver: [...deliver].sort(), missing };
}

/** The entry's `enabled` as the loader reads it; an unset variable without default there counts as on, so it is reported as missing. */
function isEnabled(entry: BrokerFileEntry, env: Env): boolean {
  if (typeof entry.enabled === "boolean") return entry.enabled;
  if (typeof entry.enabled !== "string") return false;
  try {
    return substitute(entry.enabled, env) === "true";
  } catch (error) {
    if (error instanceof SubstitutionError) return true;
    throw error;
  }
}

/** The variables used in the entry's string values, each with whether it has a default. */
function variablesOf(values: readonly unknown[]): BrokerVariable[] {
  const strings = values.flatMap(stringsIn);
  const names = new Set<string>();
  // Every variable "set": substitution reports each name it reads.
  for (const text of strings) substituteOrSkip(text, everySet, (name) => names.add(name));
  return [...names].map((name) => ({
    name,
    // Only `name` unset: the substitution fails on it exactly when a use of it has no default.
    required: strings.some((text) => failsWithout(text, name)),
  }));
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** An environment where every variable is set (and no `_FILE` variant). */
const everySet: Env = new Proxy({}, { get: (_target, name) => (typeof name === "string" && !name.endsWith("_FILE") ? "set" : undefined) });

function failsWithout(text: string, name: string): boolean {
  const env: Env = new Proxy({}, { get: (_target, key) => (key === name || typeof key !== "string" || key.endsWith("_FILE") ? undefined : "set") });
  try {
    substitute(text, env);
    return false;
  } catch (error) {
    if (error instanceof SubstitutionError) return error.variable === name;
    throw error;
  }
}

function substituteOrSkip(text: string, env: Env, onVariable: (name: string) => void): void {
  try {
    substitute(text, env, onVariable);
  } catch (error) {
    // A malformed `${...}` is the brokers loader's to report, with its file and line.
    if (!(error instanceof SubstitutionError)) throw error;
  }
}
