/**
 * `quantmind brokers list`: each broker in config/brokers.yaml with its kind, enabled, trading,
 * testnet and whether it answers now. Enabled brokers are probed in parallel; a disabled one is
 * not contacted; an entry with a configuration problem shows the problem.
 */
import type { Env } from "../../shared/config.js";
import { scrubSecrets } from "../../shared/logger.js";
import { loadBrokersConfig, type BrokerConfigEntry } from "../config/load.js";
import { brokersConfigPath, createBroker, type RegistryOptions } from "../registry.js";

export interface BrokerListing {
  name: string;
  kind: string;
  enabled: boolean;
  trading: boolean;
  testnet: boolean | null;
  /** true/false when probed; null when not (disabled, or misconfigured). */
  reachable: boolean | null;
  detail: string;
}

async function probe(entry: BrokerConfigEntry, options: RegistryOptions): Promise<BrokerListing> {
  const base = { name: entry.name, kind: entry.kind ?? "?", enabled: entry.enabled, trading: entry.trading, testnet: entry.testnet ?? null };
  if (entry.error) return { ...base, reachable: null, detail: `config: ${entry.error.message}` };
  if (!entry.enabled) return { ...base, reachable: null, detail: "disabled: not contacted" };
  const broker = await createBroker(entry, options);
  try {
    const health = await broker.health();
    return { ...base, reachable: health.reachable, detail: `${health.detail ?? ""} (${health.latencyMs.toFixed(0)} ms)` };
  } finally {
    await broker.close();
  }
}

export async function listBrokers(env: Env, out: NodeJS.WritableStream, options: { json?: boolean } & RegistryOptions = {}): Promise<BrokerListing[]> {
  const config = loadBrokersConfig(brokersConfigPath(env), env);
  const listings = await Promise.all(config.brokers.map((entry) => probe(entry, options)));
  if (options.json) {
    out.write(`${scrubSecrets(JSON.stringify(listings, null, 2))}\n`);
    return listings;
  }
  const rows = [["NAME", "KIND", "ENABLED", "TRADING", "TESTNET", "REACHABLE", "DETAIL"]];
  for (const l of listings) {
    const yesNo = (value: boolean | null) => (value === null ? "-" : value ? "yes" : "no");
    rows.push([l.name, l.kind, yesNo(l.enabled), yesNo(l.trading), yesNo(l.testnet), yesNo(l.reachable), l.detail]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) out.write(`${scrubSecrets(row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell)).join("  "))}\n`);
  return listings;
}
