/**
 * Standard 5-field cron (what the stack config and the backup service use) to the 6-field form
 * EventBridge Scheduler and AWS Backup take: `cron(min hour dom month dow year)`, where one of
 * day-of-month and day-of-week must be `?` and days of the week count 1-7 from Sunday.
 */
import { CronError } from "../../errors.js";

export function toAwsCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`cron ${JSON.stringify(expression)}: expected 5 fields (minute hour day-of-month month day-of-week)`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (dom !== "*" && dow !== "*") {
    throw new CronError(`cron ${JSON.stringify(expression)}: AWS schedules cannot restrict both day-of-month and day-of-week; set one of them to *`);
  }
  const awsDow = dow === "*" ? "?" : dow.replace(/\d+/g, (n) => String((Number(n) % 7) + 1));
  const awsDom = dow === "*" ? dom : "?";
  return `cron(${minute} ${hour} ${awsDom} ${month} ${awsDow} *)`;
}
