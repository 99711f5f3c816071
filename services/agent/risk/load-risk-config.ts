/** Reads the risk limits file (AGENT_RISK_CONFIG); errors name the file and the field. */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { ConfigError } from "../../shared/errors.js";
import { RiskConfigSchema, type RiskConfig } from "./limits.js";

const FileSchema = z.object({ risk: RiskConfigSchema.default({ defaults: {}, brokers: {} }) }).strict();

export function loadRiskConfig(file: string): RiskConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the risk limits ${file} (${(error as NodeJS.ErrnoException).code ?? error}): set AGENT_RISK_CONFIG to a readable file`);
  }
  return parseRiskConfig(text, file);
}

export function parseRiskConfig(text: string, file: string): RiskConfig {
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const result = FileSchema.safeParse(document);
  if (result.success) return result.data.risk;
  const issue = result.error.issues[0]!;
  throw new ConfigError(`${file}: ${issue.path.join(".") || "document"}: ${issue.message}`);
}
