/**
 * The brokers' operator commands: `quantmind brokers list` and `quantmind brokers check NAME`.
 * The brokers (ccxt among them) are imported when a command runs, not when it is registered.
 */
import type { Command } from "commander";

export function registerBrokersCommands(program: Command): void {
  const brokers = program.command("brokers").description("the brokers in config/brokers.yaml (env BROKERS_CONFIG names another file)");

  brokers
    .command("list")
    .description("each broker: kind, enabled, trading, testnet, and whether it answers now (enabled ones are probed)")
    .option("--json", "print the list as JSON")
    .action(async (options: { json?: boolean }) => {
      const { listBrokers } = await import("./list-command.js");
      await listBrokers(process.env, process.stdout, options);
    });

  brokers
    .command("check")
    .description("connect to one broker (enabled or not), print its account and one symbol's tick")
    .argument("<name>", "the broker's name in config/brokers.yaml")
    .option("--symbol <symbol>", "symbol whose tick to print (default: the entry's check_symbol)")
    .action(async (name: string, options: { symbol?: string }) => {
      const { checkBroker } = await import("./check-command.js");
      await checkBroker(name, process.env, process.stdout, options);
    });
}
