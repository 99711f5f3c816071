/**
 * Process settings for the Pulumi program; infra/index.ts imports this first, so they apply
 * before any other module evaluates.
 *
 * Source maps off: Pulumi captures a stack trace for every resource and output it creates, and
 * mapping each through tsx's source maps makes the program about 40% slower to evaluate (prod:
 * 1.2 s instead of 1.7 s warm, bench/RESULTS.md). Stack traces then show positions in tsx's
 * output rather than the TypeScript; set QUANTMIND_SOURCE_MAPS=on when debugging the program.
 */
if (process.env["QUANTMIND_SOURCE_MAPS"] !== "on") process.setSourceMapsEnabled(false);

export {};
