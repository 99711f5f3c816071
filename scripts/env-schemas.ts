/**
 * Every service's environment schema, for the generated tables in docs/configuration.md.
 * A new service adds one line here (its schema fields need `.describe()`), then runs
 * `npm run docs:env`; test/scripts/env-tables.test.ts fails until the committed doc matches.
 */
import { AGENT_SECRETS, AgentEnvSchema } from "../services/agent/config.js";
import { BACKTEST_SECRETS, BacktestEnvSchema } from "../services/backtest/service-config.js";
import { BACKUP_SECRETS, BackupEnvSchema } from "../services/backup/config.js";
import { KB_SECRETS, KbEnvSchema } from "../services/kb/config.js";
import { QC_ENV_ALIASES, QC_SECRETS, QcEnvSchema } from "../services/qc/config.js";
import type { EnvSchemaEntry } from "./lib/env-table.js";

export const ENV_SCHEMAS: readonly EnvSchemaEntry[] = [
  { id: "kb", title: "Knowledge base: `index`, `serve kb`, `start`", schema: KbEnvSchema, secrets: KB_SECRETS },
  { id: "qc", title: "QuantConnect MCP server: `serve qc` and its Lambda", schema: QcEnvSchema, secrets: QC_SECRETS, aliases: QC_ENV_ALIASES },
  { id: "backtest", title: "Backtests: `serve backtest`, `worker backtest`, `backtest run`", schema: BacktestEnvSchema, secrets: BACKTEST_SECRETS },
  { id: "backup", title: "Backups: `backup run|schedule|list|restore`", schema: BackupEnvSchema, secrets: BACKUP_SECRETS },
  { id: "agent", title: "Strategy agent: `serve agent`, `agent signal`, `agent kill-switch`", schema: AgentEnvSchema, secrets: AGENT_SECRETS },
];
