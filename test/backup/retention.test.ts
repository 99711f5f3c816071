import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoWeekKey, planRetention, type DatedBackup } from "../../services/backup/retention.js";

const at = (iso: string, id = iso): DatedBackup => ({ id, startedAt: iso });

describe("planRetention", () => {
  it("keeps the newest of each of the last N hours, days and weeks, and prunes exactly the rest", () => {
    const backups = [
      at("2026-11-22T10:40:00.000Z", "h10b"), // newest: hour 10, day 22, week 47
      at("2026-11-22T10:05:00.000Z", "h10a"), // same hour as a newer one
      at("2026-11-22T09:00:00.000Z", "h09"), // second hour
      at("2026-11-22T08:00:00.000Z", "h08"), // third hour: beyond hourly=2
      at("2026-11-21T23:00:00.000Z", "d21"), // second day
      at("2026-11-20T12:00:00.000Z", "d20"), // third day: beyond daily=2
      at("2026-11-15T12:00:00.000Z", "w46"), // a Sunday: ISO week 46, second week
      at("2026-11-08T12:00:00.000Z", "w45"), // third week: beyond weekly=2
    ];
    const { keep, prune } = planRetention(backups, { hourly: 2, daily: 2, weekly: 2 });
    expect(keep.map((b) => b.id)).toEqual(["h10b", "h09", "d21", "w46"]);
    expect(prune.map((b) => b.id)).toEqual(["h10a", "h08", "d20", "w45"]);
  });

  it("never prunes the newest backup, even with a policy that keeps nothing", () => {
    const { keep, prune } = planRetention([at("2026-01-01T00:00:00.000Z", "old"), at("2026-01-02T00:00:00.000Z", "new")], { hourly: 0, daily: 0, weekly: 0 });
    expect(keep.map((b) => b.id)).toEqual(["new"]);
    expect(prune.map((b) => b.id)).toEqual(["old"]);
  });

  it("uses ISO weeks that start on Monday", () => {
    expect(isoWeekKey(new Date("2026-11-22T23:59:00Z"))).toBe("2026-W47"); // Sunday
    expect(isoWeekKey(new Date("2026-11-23T00:00:00Z"))).toBe("2026-W48"); // Monday
    expect(isoWeekKey(new Date("2027-01-01T12:00:00Z"))).toBe("2026-W53");
  });

  const backupsArb = fc
    .uniqueArray(fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }), { minLength: 1, maxLength: 80 })
    .map((times) => times.map((t, i) => at(new Date(t).toISOString(), `b${i}`)));
  const policyArb = fc.record({ hourly: fc.nat(30), daily: fc.nat(10), weekly: fc.nat(6) });

  it("property: keep and prune partition the backups, the newest is kept, at most 1+h+d+w survive", () => {
    fc.assert(
      fc.property(backupsArb, policyArb, (backups, policy) => {
        const { keep, prune } = planRetention(backups, policy);
        expect(keep.length + prune.length).toBe(backups.length);
        expect(new Set([...keep, ...prune].map((b) => b.id)).size).toBe(backups.length);
        const newest = backups.reduce((a, b) => (Date.parse(b.startedAt) > Date.parse(a.startedAt) ? b : a));
        expect(keep.map((b) => b.id)).toContain(newest.id);
        expect(keep.length).toBeLessThanOrEqual(1 + policy.hourly + policy.daily + policy.weekly);
      }),
    );
  });

  it("property: pruning is idempotent (a second pass over what was kept prunes nothing)", () => {
    fc.assert(
      fc.property(backupsArb, policyArb, (backups, policy) => {
        const { keep } = planRetention(backups, policy);
        expect(planRetention(keep, policy).prune).toEqual([]);
      }),
    );
  });

  it("property: each of the N most recent days that has a backup keeps one", () => {
    fc.assert(
      fc.property(backupsArb, fc.integer({ min: 1, max: 10 }), (backups, daily) => {
        const { keep } = planRetention(backups, { hourly: 0, daily, weekly: 0 });
        const days = [...new Set(backups.map((b) => b.startedAt.slice(0, 10)))].sort().reverse().slice(0, daily);
        const keptDays = new Set(keep.map((b) => b.startedAt.slice(0, 10)));
        for (const day of days) expect(keptDays.has(day)).toBe(true);
      }),
    );
  });
});
