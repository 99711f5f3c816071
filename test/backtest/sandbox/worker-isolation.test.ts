/** The worker's second layer, run for real: Node's permission model and an empty network namespace. */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canUnshareNetwork, sandboxWorkerCommand, sandboxWorkerNodeFlags } from "../../../services/backtest/sandbox/worker-isolation.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

const PROBE = `import { writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { connect } from "node:net";
const facts = {};
try { writeFileSync(process.argv[2] + "/written", "x"); facts.write = "allowed"; } catch (e) { facts.write = e.code; }
try { execFileSync("/bin/true"); facts.spawn = "allowed"; } catch (e) { facts.spawn = e.code; }
facts.net = await new Promise((resolve) => connect(80, "1.1.1.1").on("connect", () => resolve("connected")).on("error", (e) => resolve(e.code)));
console.log(JSON.stringify(facts));
`;

describe("worker isolation", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let entry: string;
  beforeAll(async () => {
    temp = await makeTempDir("qm-worker-iso-");
    entry = path.join(temp.dir, "probe.mjs");
    await writeFile(entry, PROBE);
  });
  afterAll(() => temp.remove());

  it("builds the permission flags: reads where told, addons, child processes only for Python", () => {
    expect(sandboxWorkerNodeFlags({ readPaths: ["/app", "/data"], languages: "javascript" })).toEqual([
      "--experimental-permission",
      "--allow-fs-read=/app,/data",
      "--allow-addons",
    ]);
    expect(sandboxWorkerNodeFlags({ readPaths: ["/app"], languages: "python" })).toContain("--allow-child-process");
    expect(() => sandboxWorkerNodeFlags({ readPaths: ["app"], languages: "javascript" })).toThrow(/absolute/);
    expect(() => sandboxWorkerNodeFlags({ readPaths: [], languages: "javascript" })).toThrow(/app directory/);
  });

  it("a JavaScript worker started with them cannot write, spawn or reach the network", async () => {
    const unshare = await canUnshareNetwork();
    const { command, args } = sandboxWorkerCommand({ entry, readPaths: [temp.dir], languages: "javascript", unshareNetwork: unshare });
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(command, [...args, temp.dir], { timeout: 30_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))),
    );
    const facts = JSON.parse(stdout.trim()) as Record<string, string>;
    expect(facts.write).toBe("ERR_ACCESS_DENIED");
    expect(facts.spawn).toBe("ERR_ACCESS_DENIED");
    if (unshare) expect(facts.net).toBe("ENETUNREACH");
  });
});
