/**
 * `npm run bench -- qc`: the QuantConnect MCP benchmarks (about a minute). Prints the figures;
 * copy them, with the date and machine line, into bench/RESULTS.md.
 *
 *   BENCH_QC_LIST=3000 BENCH_QC_CALLS=1000 BENCH_QC_COLD=20 npm run bench -- qc
 */
import { loadavg } from "node:os";
import { startQcApiServer } from "../test/helpers/qc-api-server.js";
import { machine } from "./lib/stats.js";
import { benchCallOverhead, benchListingCache, benchQcHttp, printCallOverheadResult, printHttpResult, printListingCacheResult } from "./qc-http.js";
import { benchQcLambda, printLambdaResult } from "./qc-lambda.js";

export async function benchQc(): Promise<void> {
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const api = await startQcApiServer();
  try {
    printLambdaResult(await benchQcLambda({ runs: Number(process.env.BENCH_QC_COLD ?? 20), qcApiUrl: api.url, userId: api.userId, apiToken: api.apiToken }));
    printHttpResult(
      await benchQcHttp(api, { listRequests: Number(process.env.BENCH_QC_LIST ?? 3000), callRequests: Number(process.env.BENCH_QC_CALLS ?? 1000) }),
    );
    printListingCacheResult(await benchListingCache(api, { rounds: 6, perRound: 200 }));
    printCallOverheadResult(await benchCallOverhead(api, Number(process.env.BENCH_QC_CALLS ?? 1000)));
  } finally {
    await api.close();
  }
  console.log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}
