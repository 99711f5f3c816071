/**
 * From config/brokers.yaml to live `Broker`s: one constructor per kind. The agent and the
 * `quantmind brokers` commands open brokers only through here.
 */
import type { Env } from "../shared/config.js";
import { BinanceBroker } from "./binance/binance-broker.js";
import type { ExchangeOptions } from "./binance/exchange.js";
import type { Broker } from "./broker.js";
import { loadBrokersConfig, type BrokerConfigEntry } from "./config/load.js";
import type { BrokerEntry } from "./config/schema.js";
import { Mt5MockBroker } from "./mt5-mock/mt5-mock-broker.js";
import { Mt5SocketBroker } from "./mt5-socket/mt5-socket-broker.js";

export interface CreateBrokerOptions {
  /** Binance: rewrites API base URLs (tests point them at a local stand-in). */
  binance?: ExchangeOptions;
}

export function createBroker(name: string, entry: BrokerEntry, options: CreateBrokerOptions = {}): Broker {
  switch (entry.kind) {
    case "mt5_mock":
      return new Mt5MockBroker(name, entry);
    case "mt5_socket":
      return new Mt5SocketBroker(name, entry);
    case "binance_spot":
    case "binance_futures":
      return new BinanceBroker(name, entry, options.binance);
  }
}

/** Every enabled broker of the file, by name; a broken enabled entry stops the load (ConfigError). */
export function openEnabledBrokers(file: string, env: Env, options: CreateBrokerOptions = {}): Map<string, Broker> {
  const config = loadBrokersConfig(file, env);
  const brokers = new Map<string, Broker>();
  for (const item of config.brokers.filter((b: BrokerConfigEntry) => b.enabled)) {
    if (item.error) throw item.error;
    brokers.set(item.name, createBroker(item.name, item.entry!, options));
  }
  return brokers;
}
