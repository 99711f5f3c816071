/** The `broker` argument the read tools share, and its lookup. */
import { z } from "zod";
import type { Broker } from "../../brokers/broker.js";
import { AgentError } from "../errors.js";
import type { AgentDeps } from "../deps.js";

export const BrokerNameSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/).describe("A broker name from config/brokers.yaml; omit for all");

export class UnknownBrokerError extends AgentError {
  constructor(name: string, known: string[]) {
    super("UNKNOWN_BROKER", `no enabled broker named ${name}; enabled: ${known.join(", ") || "none"}`);
  }
}

/** The named broker, or every broker when `name` is undefined. */
export function selectBrokers(deps: AgentDeps, name: string | undefined): Broker[] {
  if (name === undefined) return [...deps.brokers.values()];
  const broker = deps.brokers.get(name);
  if (broker === undefined) throw new UnknownBrokerError(name, [...deps.brokers.keys()]);
  return [broker];
}
