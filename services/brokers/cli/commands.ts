/** The brokers' operator commands: `quantmind brokers list` and `quantmind brokers check NAME`. */
import type { Command } from "commander";
import { checkBroker } from "./check-command.js";
import { listBrokers } from "./list-command.js";

export function registerBrokersCommands(program: Command): void {
  const brokers = program.command("brokers").description("the brokers in config/brokers.yaml (env BROKERS_CONFIG names another file)");

  brokers
    .command("list")
    .description("each broker: kind, enabled, trading, testnet, and whether it answers now (enabled ones are probed)")
    .option("--json", "print the list as JSON")
    .action(async (options: { json?: boolean }) => {
      await listBrokers(process.env, process.stdout, options);
    });

  brokers
    .command("check")
    .description("connect to one broker (enabled or not), print its account and one symbol's tick")
    .argument("<name>", "the broker's name in config/brokers.yaml")
    .option("--symbol <symbol>", "symbol whose tick to print (default: the entry's check_symbol)")
    .action(async (name: string, options: { symbol?: string }) => {
      await checkBroker(name, process.env, process.stdout, options);
    });
}
