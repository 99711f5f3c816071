/**
 * Escape corpus, Python: each attempt must end in an SBX_ or TIM_ code, or a RUN_ code where
 * the attempt simply fails inside the sandbox; the host's environment is unchanged, no
 * sandbox process outlives its job, and the next job still returns the right targets.
 */
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStrategy } from "../../../services/backtest/sandbox/run-strategy.js";
import { expectSameTargets, makeBars, outcome, PY_SMA_CROSS, referenceSmaCross } from "./sandbox-fixtures.js";

const bars = makeBars(300);
const expected = referenceSmaCross(bars.close, 5, 20);
const limits = { timeoutMs: 8_000, cpuMs: 2_000, memoryMb: 300, outputBytes: 20_000 };
const SECRET = "qm-escape-secret-value";

const sig = (body: string, imports = "import os") => `${imports}\ndef signals(data, params):\n${body.replace(/^/gm, "    ")}\n`;

const ATTEMPTS: [name: string, code: string, codes: string[]][] = [
  ["os.system", sig("os.system('id > /dev/null')"), ["SBX_REFUSED"]],
  ["subprocess", sig("subprocess.run(['/usr/bin/id'])", "import subprocess"), ["SBX_REFUSED"]],
  ["fork bomb", sig("while True:\n    os.fork()"), ["SBX_REFUSED"]],
  ["multiprocessing", sig("p = multiprocessing.Process(target=print)\np.start()", "import multiprocessing"), ["SBX_REFUSED", "RUN_THREW"]],
  ["posix_spawn", sig("os.posix_spawn('/usr/bin/id', ['id'], {})"), ["SBX_REFUSED"]],
  ["exec into a shell", sig("os.execv('/bin/sh', ['sh', '-c', 'id'])"), ["SBX_REFUSED"]],
  ["kill pid 1", sig("os.kill(1, 9)"), ["SBX_REFUSED"]],
  ["TCP socket", sig("socket.create_connection(('1.1.1.1', 80), timeout=1)", "import socket"), ["SBX_REFUSED"]],
  ["urllib", sig("urllib.request.urlopen('http://127.0.0.1:1/')", "import urllib.request"), ["SBX_REFUSED"]],
  ["Unix socket to docker", sig("s = socket.socket(socket.AF_UNIX)\ns.connect('/var/run/docker.sock')", "import socket"), ["SBX_REFUSED"]],
  ["host environment", sig(`return [float(len(os.environ["QM_ESCAPE_SECRET"]))] * len(data)`), ["RUN_THREW"]],
  ["/proc/1/environ", sig("return open('/proc/1/environ').read()"), ["RUN_THREW"]],
  ["/proc/self/environ of the parent", sig("return open('/proc/%d/environ' % os.getppid()).read()"), ["RUN_THREW"]],
  ["host files", sig("return open('/etc/shadow').read() + open('/work/main/package.json').read()"), ["RUN_THREW"]],
  ["write a file", sig("open('/tmp/qm-escape', 'w').write('x')"), ["SBX_REFUSED"]],
  ["os.open for writing", sig("os.open('/usr/qm-escape', os.O_WRONLY | os.O_CREAT)"), ["SBX_REFUSED"]],
  ["ctypes into libc", sig("ctypes.CDLL('libc.so.6').system(b'id')", "import ctypes"), ["SBX_REFUSED"]],
  ["subclass walk to os.system", sig("w = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]\nw.__init__.__globals__['system']('id')"), ["SBX_REFUSED"]],
  ["raise own limits", sig("resource.setrlimit(resource.RLIMIT_NPROC, (10**6, 10**6))", "import resource"), ["SBX_REFUSED"]],
  ["remove the audit hook by adding another", sig("sys.addaudithook(lambda *a: None)", "import sys"), ["SBX_REFUSED"]],
  ["ignore SIGXCPU and spin", sig("signal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass", "import signal"), ["TIM_CPU", "TIM_TIMEOUT"]],
  ["infinite loop", sig("while True:\n    pass"), ["TIM_CPU", "TIM_TIMEOUT"]],
  ["sleep forever", sig("time.sleep(3600)", "import time"), ["TIM_TIMEOUT"]],
  ["memory bomb", sig("a = []\nwhile True:\n    a.append(bytearray(10**7))"), ["TIM_MEMORY"]],
  ["numpy memory bomb", sig("return np.ones(10**10)", "import numpy as np"), ["TIM_MEMORY"]],
  ["output flood", sig("while True:\n    print('x' * 1000)"), ["SBX_OUTPUT_LIMIT"]],
  ["stderr flood", sig("while True:\n    sys.stderr.write('y' * 1000)", "import sys"), ["SBX_OUTPUT_LIMIT"]],
  ["huge result", sig("return [0.0] * (10**8)"), ["RUN_BAD_RESULT", "TIM_MEMORY"]],
  ["wrong-length result", sig("return [1.0] * (len(data) + 3)"), ["RUN_BAD_RESULT"]],
  ["forged result on fd 3", sig("os.write(3, b'\\xff' * 64)\nos._exit(0)"), ["RUN_THREW", "RUN_BAD_RESULT"]],
  ["deep recursion", sig("def f(n):\n    return f(n + 1) + 1\nreturn f(0)"), ["RUN_THREW"]],
  ["exit quietly", sig("os._exit(0)"), ["RUN_THREW"]],
];

/** Processes still running our bootstrap (a sandboxed job that outlived its job). */
async function leftoverSandboxes(): Promise<number> {
  let count = 0;
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes("__qm_runner__")) count++;
  }
  return count;
}

describe("Python escape corpus", () => {
  const envBefore = JSON.stringify({ ...process.env, QM_ESCAPE_SECRET: SECRET });
  beforeAll(() => {
    process.env.QM_ESCAPE_SECRET = SECRET;
  });
  afterAll(() => {
    expect(JSON.stringify(process.env)).toBe(envBefore);
    delete process.env.QM_ESCAPE_SECRET;
  });

  it("has at least 20 attempts", () => {
    expect(ATTEMPTS.length).toBeGreaterThanOrEqual(20);
  });

  describe.concurrent("attempts", () => {
    for (const [name, code, codes] of ATTEMPTS) {
      it(`refuses: ${name}; the next job runs`, async () => {
        const result = await outcome({ language: "python", code, bars, params: {}, limits });
        expect(codes, `${name}: ${result.code} ${result.message ?? ""}`).toContain(result.code);
        expect(result.message ?? "").not.toContain(SECRET);
        const next = await runStrategy({ language: "python", code: PY_SMA_CROSS, bars, params: { fast: 5, slow: 20 } });
        expectSameTargets(next, expected);
      });
    }
  });

  it("leaves no sandbox process behind, even with a thread still running after the result", async () => {
    const code = sig("threading.Thread(target=lambda: [0 for _ in iter(int, 1)]).start()\nreturn [0.5] * len(data)", "import threading");
    const targets = await runStrategy({ language: "python", code, bars, params: {}, limits });
    expect(targets[0]).toBe(0.5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await leftoverSandboxes()).toBe(0);
  });
});
