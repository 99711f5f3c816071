/**
 * The bubblewrap fence on its own, without the runner's audit hook: raw Python started with
 * exactly the command line Python jobs get, checking from inside what the sandbox promises.
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveLimits } from "../../../services/backtest/sandbox/limits.js";
import { probePythonSandbox } from "../../../services/backtest/sandbox/python/probe.js";
import { buildSandboxCommand } from "../../../services/backtest/sandbox/python/sandbox-command.js";

const CHECKS = String.raw`
import os, sys, json, socket, errno
facts = {}
facts["uid"] = os.getuid()
facts["env"] = sorted(os.environ)
facts["proc"] = os.path.exists("/proc/1/environ")
facts["root_entries"] = sorted(os.listdir("/"))
facts["etc_passwd"] = os.path.exists("/etc/passwd")
facts["hostname"] = os.uname().nodename
try:
    open("/usr/qm-write-test", "w"); facts["write_usr"] = "allowed"
except OSError as e:
    facts["write_usr"] = errno.errorcode[e.errno]
try:
    open("/qm-write-test", "w"); facts["write_root"] = "allowed"
except OSError as e:
    facts["write_root"] = errno.errorcode[e.errno]
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", int(sys.argv[1]))); facts["loopback"] = "connected"
except OSError as e:
    facts["loopback"] = errno.errorcode.get(e.errno, str(e))
try:
    socket.create_connection(("1.1.1.1", 80), timeout=2); facts["internet"] = "connected"
except OSError as e:
    facts["internet"] = errno.errorcode.get(e.errno, str(e))
kids = 0
try:
    for _ in range(200):
        pid = os.fork()
        if pid == 0:
            import time; time.sleep(5); os._exit(0)
        kids += 1
    facts["forks"] = kids
except OSError as e:
    facts["forks"] = "%d then %s" % (kids, errno.errorcode[e.errno])
print(json.dumps(facts), flush=True)
os._exit(0)
`;

describe("the bubblewrap fence (no audit hook)", () => {
  let server: Server;
  let port = 0;
  let hostConnections = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      hostConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // As root here: pyenv's numpy interpreter is only readable by root (root-then-drop), Debian's
  // is readable by anyone (drop-then-userns). A non-root worker gets "userns".
  const MODES = [
    ["numpy interpreter", {}, process.getuid?.() === 0 ? "root-then-drop" : "userns"],
    ["Debian interpreter", { python: "/usr/bin/python3" }, process.getuid?.() === 0 ? "drop-then-userns" : "userns"],
  ] as const;
  it.each(MODES)("%s: uid 65534, empty environment, no /proc, read-only root, no network, a process cap", async (_, options, mode) => {
    process.env.QM_FENCE_SECRET = "must-not-leak";
    const sandbox = await probePythonSandbox(options);
    expect(sandbox.command.mode).toBe(mode);
    const { command, args } = buildSandboxCommand(sandbox.runtime, resolveLimits({ processes: 16, timeoutMs: 20_000 }), 0, sandbox.command);
    // Replace the job bootstrap with the checks; the port goes in as an argument.
    args.splice(args.length - 1, 1, CHECKS, String(port));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(command, args, { env: { ...process.env }, timeout: 30_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))),
    );
    delete process.env.QM_FENCE_SECRET;
    const facts = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    expect(facts.uid).toBe(65534);
    // Only what the command sets (PWD: bwrap's --chdir), even though this bwrap was handed the host's environment.
    expect(facts.env).toEqual(["GLIBC_TUNABLES", "LANG", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "PATH", "PWD"]);
    expect(facts.proc).toBe(false);
    expect(facts.etc_passwd).toBe(false);
    expect(facts.hostname).toBe("sandbox");
    expect(facts.root_entries).not.toContain("work");
    expect(facts.root_entries).not.toContain("tmp");
    expect(facts.write_usr).toBe("EROFS");
    expect(facts.write_root).toBe("EROFS");
    expect(facts.loopback).toBe("ECONNREFUSED"); // its own loopback: the host's listener is not there
    expect(facts.internet).toBe("ENETUNREACH");
    expect(String(facts.forks)).toMatch(/^\d+ then EAGAIN$/);
    expect(Number.parseInt(String(facts.forks), 10)).toBeLessThan(16);
    expect(hostConnections).toBe(0);
  });
});
