/** The brokers library: the Broker interface, its errors, the registry and config loading. */
export * from "./broker.js";
export { loadBrokersConfig, parseBrokersConfig, type BrokerConfigEntry, type BrokersConfig } from "./config/load.js";
export type { BrokerEntry } from "./config/schema.js";
export { brokersConfigPath, createBroker, createEnabledBrokers, findEntry, loadEnabledBrokers, type RegistryOptions } from "./registry.js";
