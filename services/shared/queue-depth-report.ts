/**
 * A queue worker logs its queue's depth once a minute as one JSON line,
 * `{"msg":"queue depth","queue":"backtest","depth":N}`. On aws a metric filter on the worker's
 * log group turns those lines into the CloudWatch metric the worker service scales on
 * (infra/components/aws/service.ts reads the constants below), so the worker needs no CloudWatch client or permission.
 * On the Docker targets the same line tells an operator how far behind the workers are.
 */
import type { Logger } from "pino";

/** The message the aws metric filter matches; change both together. */
export const QUEUE_DEPTH_LOG_MESSAGE = "queue depth";

/** Target tracking reads one-minute data points. */
export const QUEUE_DEPTH_INTERVAL_MS = 60_000;

/** Starts reporting (the first report at once); the returned function stops it. */
export function reportQueueDepth(queue: { depth(): Promise<{ waiting: number }> }, name: string, logger: Logger, intervalMs = QUEUE_DEPTH_INTERVAL_MS): () => void {
  let failing = false;
  const report = async () => {
    try {
      const { waiting } = await queue.depth();
      logger.info({ queue: name, depth: waiting }, QUEUE_DEPTH_LOG_MESSAGE);
      failing = false;
    } catch (error) {
      // Redis away: say so once, not every minute; scaling holds its last decision meanwhile.
      if (!failing) logger.warn({ queue: name, err: error }, "queue depth unavailable");
      failing = true;
    }
  };
  void report();
  const timer = setInterval(() => void report(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
