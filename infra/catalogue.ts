/**
 * The service catalogue: every service's deployment descriptor, each declared beside its service
 * (`services/<name>/deploy.ts`). Targets deploy them by shape, so a new service is one
 * descriptor here. Order matters only for jobs: a job comes before the services that wait for it.
 */
import { agentDeploy } from "../services/agent/deploy.js";
import { backtestMcpDeploy, backtestWorkerDeploy } from "../services/backtest/deploy.js";
import { backupDeploy } from "../services/backup/deploy.js";
import { kbIndexerDeploy, kbMcpDeploy } from "../services/kb/deploy.js";
import { qcMcpDeploy } from "../services/qc/deploy.js";
import type { LocalStackConfig } from "../stacks/schema.js";
import type { AnyServiceDescriptor } from "./descriptor.js";

export const SERVICE_CATALOGUE: readonly AnyServiceDescriptor[] = [kbIndexerDeploy, kbMcpDeploy, qcMcpDeploy, backtestMcpDeploy, backtestWorkerDeploy, backupDeploy, agentDeploy];

/** Host ports the local stack's configuration sets per service (others publish their own port number). */
export function localHostPorts(config: Pick<LocalStackConfig, "kbMcpHostPort">): Record<string, number> {
  return { [kbMcpDeploy.name]: config.kbMcpHostPort };
}
