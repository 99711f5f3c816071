/**
 * The deploy context a target would pass to the service descriptors (infra/descriptor.ts), for
 * tests that resolve a descriptor's environment or run its containers.
 */
import type { DeployContext } from "../../infra/descriptor.js";

export const TEST_CONTEXT: DeployContext = {
  target: "local",
  qdrantUrl: "http://qdrant:6333",
  redisUrl: "redis://redis:6379",
  logLevel: "info",
  kbCollection: "mql5_articles",
  backup: { redisSchedule: "0 * * * *", qdrantSchedule: "15 * * * *", keepHourly: 24, keepDaily: 7, keepWeekly: 4 },
};
