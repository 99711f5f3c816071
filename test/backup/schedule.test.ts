import { describe, expect, it } from "vitest";
import { parseCron, startSchedule } from "../../services/backup/schedule.js";
import { ConfigError } from "../../services/shared/errors.js";
import { createLogger } from "../../services/shared/logger.js";

const logger = createLogger("backup-test", { level: "silent" });

describe("backup schedule", () => {
  it("accepts 5-field cron in UTC and refuses anything else, naming the variable", () => {
    expect(parseCron("15 * * * *", "BACKUP_SCHEDULE_QDRANT").nextRun(new Date("2026-11-22T10:20:00Z"))?.toISOString()).toBe("2026-11-22T11:15:00.000Z");
    expect(() => parseCron("every hour", "BACKUP_SCHEDULE_REDIS")).toThrow(ConfigError);
    expect(() => parseCron("0 0 * * * *", "BACKUP_SCHEDULE_REDIS")).toThrow(/BACKUP_SCHEDULE_REDIS="0 0 \* \* \* \*".*5-field/);
  });

  it("schedules each configured store, reports the next run of each, and stops", () => {
    const schedule = startSchedule({ redis: "0 * * * *", qdrant: "15 */6 * * *" }, async () => undefined, logger);
    try {
      const next = schedule.next();
      expect(Object.keys(next).sort()).toEqual(["qdrant", "redis"]);
      expect(next.redis!.getUTCMinutes()).toBe(0);
      expect(next.redis!.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
      expect(next.qdrant!.getUTCMinutes()).toBe(15);
      expect(next.qdrant!.getUTCHours() % 6).toBe(0);
    } finally {
      schedule.stop();
    }
    expect(schedule.next()).toEqual({ qdrant: null, redis: null });
  });
});
