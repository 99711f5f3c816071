/**
 * `quantmind brokers check NAME`: connects to one broker (enabled or not, so it can be checked
 * before it is enabled), prints its account and one symbol's tick. A failure is the broker
 * error's code and message, which name what to fix.
 */
import type { Env } from "../../shared/config.js";
import { scrubSecrets } from "../../shared/logger.js";
import type { Account, Tick } from "../broker.js";
import { loadBrokersConfig } from "../config/load.js";
import { brokersConfigPath, createBroker, findEntry, type RegistryOptions } from "../registry.js";

const DEFAULT_SYMBOL = { mt5_mock: "EURUSD", mt5_socket: "EURUSD", binance_spot: "BTCUSDT", binance_futures: "BTCUSDT" } as const;

export async function checkBroker(name: string, env: Env, out: NodeJS.WritableStream, options: { symbol?: string } & RegistryOptions = {}): Promise<{ account: Account; tick: Tick }> {
  const config = loadBrokersConfig(brokersConfigPath(env), env);
  const entry = findEntry(config, name);
  const broker = await createBroker(entry, options);
  const symbol = options.symbol ?? entry.entry!.check_symbol ?? DEFAULT_SYMBOL[entry.entry!.kind];
  const write = (line: string) => out.write(`${scrubSecrets(line)}\n`);
  try {
    await broker.connect();
    const account = await broker.getAccount();
    write(`${name} (${broker.kind}${entry.testnet ? ", testnet" : ""}, trading ${broker.trading ? "ON" : "off"})`);
    write(`account ${account.accountId}: balance ${account.balance} ${account.currency}, equity ${account.equity}, margin ${account.margin}, free ${account.freeMargin}, leverage ${account.leverage}`);
    const tick = await broker.getTick(symbol);
    write(`tick ${tick.symbol}: bid ${tick.bid} ask ${tick.ask} at ${new Date(tick.timeMs).toISOString()}`);
    return { account, tick };
  } finally {
    await broker.close();
  }
}
