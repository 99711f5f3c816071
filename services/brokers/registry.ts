/**
 * The broker registry: builds a `Broker` from each entry of config/brokers.yaml. The strategy
 * agent takes `createEnabledBrokers` (enabled entries, registered at start-up); the CLI builds
 * single brokers, disabled ones included, to check them before they are enabled.
 */
import path from "node:path";
import type { Env } from "../shared/config.js";
import { ConfigError } from "../shared/errors.js";
import { PACKAGE_ROOT } from "../shared/package-root.js";
import type { Broker } from "./broker.js";
import type { ExchangeOptions } from "./binance/exchange.js";
import { loadBrokersConfig, type BrokerConfigEntry, type BrokersConfig } from "./config/load.js";
import { Mt5MockBroker, type Mt5MockOptions } from "./mt5-mock/mt5-mock-broker.js";
import { Mt5SocketBroker } from "./mt5-socket/mt5-socket-broker.js";

/** config/brokers.yaml in the project, unless BROKERS_CONFIG names another file. */
export function brokersConfigPath(env: Env): string {
  return env.BROKERS_CONFIG ? path.resolve(env.BROKERS_CONFIG) : path.join(PACKAGE_ROOT, "config", "brokers.yaml");
}

export interface RegistryOptions {
  mock?: Mt5MockOptions;
  binance?: ExchangeOptions;
}

/** Builds the broker of one entry; rejects with the entry's configuration error if it has one. */
export async function createBroker(config: BrokerConfigEntry, options: RegistryOptions = {}): Promise<Broker> {
  if (config.error) throw config.error;
  const entry = config.entry!;
  switch (entry.kind) {
    case "mt5_mock":
      return new Mt5MockBroker(config.name, entry, options.mock);
    case "mt5_socket":
      return new Mt5SocketBroker(config.name, entry);
    case "binance_spot":
    case "binance_futures": {
      // ccxt takes about 1.5 s to load here: only a process with a Binance broker pays for it.
      const { BinanceBroker } = await import("./binance/binance-broker.js");
      return new BinanceBroker(config.name, entry, options.binance);
    }
  }
}

/** The entry called `name`, or a ConfigError listing the names there are. */
export function findEntry(config: BrokersConfig, name: string): BrokerConfigEntry {
  const found = config.brokers.find((b) => b.name === name);
  if (!found) {
    throw new ConfigError(`no broker ${JSON.stringify(name)} in ${config.file}: it has ${config.brokers.map((b) => b.name).join(", ") || "none"}`);
  }
  return found;
}

/** Every enabled broker, by name: what the services register at start-up. */
export async function createEnabledBrokers(config: BrokersConfig, options: RegistryOptions = {}): Promise<Map<string, Broker>> {
  const enabled = config.brokers.filter((b) => b.enabled);
  return new Map(await Promise.all(enabled.map(async (b) => [b.name, await createBroker(b, options)] as const)));
}

/** Loads the file the environment names and builds its enabled brokers. */
export function loadEnabledBrokers(env: Env, options: RegistryOptions = {}): Promise<Map<string, Broker>> {
  return createEnabledBrokers(loadBrokersConfig(brokersConfigPath(env), env), options);
}
