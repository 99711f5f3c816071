import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probePythonSandbox } from "../../../services/backtest/sandbox/python/probe.js";
import { runStrategy } from "../../../services/backtest/sandbox/run-strategy.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { expectSameTargets, makeBars, outcome, PY_SMA_CROSS, referenceSmaCross } from "./sandbox-fixtures.js";

const bars = makeBars(1_500);
const expected = referenceSmaCross(bars.close, 10, 30);
/** Debian's interpreter: no numpy, so the stdlib paths run. */
const STDLIB = { python: { python: "/usr/bin/python3" } };

describe("Python strategies", () => {
  it("finds numpy in the default interpreter and none in Debian's", async () => {
    expect((await probePythonSandbox()).numpy).toBe(true);
    expect((await probePythonSandbox(STDLIB.python)).numpy).toBe(false);
  });

  it("runs the SMA cross with the quantmind helpers, with numpy and with the stdlib alone", async () => {
    expectSameTargets(await runStrategy({ language: "python", code: PY_SMA_CROSS, bars, params: { fast: 10, slow: 30 } }), expected);
    expectSameTargets(await runStrategy({ language: "python", code: PY_SMA_CROSS, bars, params: { fast: 10, slow: 30 } }, STDLIB), expected);
  });

  it("gives numpy strategies zero-copy read-only float64 columns and takes an ndarray back", async () => {
    const code = `import numpy as np
from quantmind import sma, crossover
def signals(data, params):
    assert isinstance(data.close, np.ndarray) and data.close.dtype == np.float64 and not data.close.flags.writeable
    assert data["volume"][2] == 1002 and len(data) == ${bars.time.length}
    f, s = sma(data.close, params["fast"]), sma(data.close, params["slow"])
    out = np.full(len(data), np.nan)
    out[crossover(f, s) == 1] = 1
    out[crossover(s, f) == 1] = -1
    return out
`;
    expectSameTargets(await runStrategy({ language: "python", code, bars, params: { fast: 10, slow: 30 } }), expected);
  });

  it("sends each column when it is first read; stray requests on fd 5 are ignored; the bars stay read-only", async () => {
    const code = `import os
def signals(data, params):
    os.write(5, bytes([200, 255]))  # no such columns: the host ignores them
    v = data.volume
    assert data["volume"] is v and v[2] == 1002 and len(v) == len(data)
    os.write(5, bytes([5]))  # volume again: sent once only, so the next column still lines up
    assert abs(data.open[7] - (data.close[7] - 0.5)) < 1e-9 and data.high[0] == data.close[0] + 1
    for attempt in (lambda: delattr(data, "close"), lambda: setattr(data, "close", None)):
        try:
            attempt()
            raise RuntimeError("the bars changed")
        except AttributeError:
            pass
    return [float(data.time[i] - data.time[0]) for i in range(len(data))]
`;
    for (const options of [{}, STDLIB]) {
      const targets = await runStrategy({ language: "python", code, bars, params: {} }, options);
      expect(targets[10]).toBe(600_000);
    }
  });

  it("runs init/next bar by bar (params as a fourth argument when next takes one), reporting progress", async () => {
    const code = `def init(data, params):
    return {"prev": None}
def next(i, data, state, params):
    c = data.close
    f, s = params["fast"], params["slow"]
    if i < s:
        return None
    d0 = sum(c[i - f:i]) / f - sum(c[i - s:i]) / s
    d1 = sum(c[i - f + 1:i + 1]) / f - sum(c[i - s + 1:i + 1]) / s
    if d1 > 0 and d0 <= 0:
        return 1
    if d1 < 0 and d0 >= 0:
        return -1
`;
    const progress: number[] = [];
    const targets = await runStrategy({ language: "python", code, bars, params: { fast: 10, slow: 30 }, onProgress: (f) => progress.push(f) }, STDLIB);
    for (let i = 0; i < targets.length; i++) {
      if (!Number.isNaN(expected[i]!)) expect(targets[i]).toBe(expected[i]);
    }
    // Every max(1024, n / 20) bars: 1024 for 1,500 bars.
    expect(progress).toEqual([1024 / 1500]);
  });

  it("names the line of syntax errors and of exceptions, and a missing entry point", async () => {
    expect(await outcome({ language: "python", code: "x = 1\ndef signals(d, p):\n    return = 2\n", bars, params: {} })).toMatchObject({ code: "SYN_COMPILE", line: 3 });
    const raised = await outcome({ language: "python", code: "import math\n\ndef signals(d, p):\n    return [math.sqrt(-1)] * len(d)\n", bars, params: {} });
    expect(raised).toMatchObject({ code: "RUN_THREW", line: 4 });
    expect(raised.message).toMatch(/ValueError: math domain error/);
    expect((await outcome({ language: "python", code: "x = 1\n", bars, params: {} })).code).toBe("SYN_NO_ENTRY");
  });

  it("refuses results that are not one number per bar", async () => {
    for (const body of ["return [1.0] * (len(d) - 1)", "return 'abc'", "return ['x'] * len(d)", "return [[1.0]] * len(d)", "return [float('inf')] * len(d)"]) {
      expect((await outcome({ language: "python", code: `def signals(d, p):\n    ${body}\n`, bars, params: {} })).code, body).toBe("RUN_BAD_RESULT");
    }
    expect((await outcome({ language: "python", code: "def next(i, d, s):\n    return 'buy'\n", bars, params: {} })).code).toBe("RUN_BAD_RESULT");
  });

  it("enforces CPU, wall-clock, memory and output limits, and cancellation", async () => {
    const spin = "def signals(d, p):\n    while True:\n        pass\n";
    expect((await outcome({ language: "python", code: spin, bars, params: {}, limits: { cpuMs: 1_000, timeoutMs: 20_000 } })).code).toBe("TIM_CPU");
    const sleep = "import time\ndef signals(d, p):\n    time.sleep(60)\n";
    expect((await outcome({ language: "python", code: sleep, bars, params: {}, limits: { timeoutMs: 1_500 } })).code).toBe("TIM_TIMEOUT");
    const hog = "def signals(d, p):\n    a = []\n    while True:\n        a.append(bytearray(10**7))\n";
    expect((await outcome({ language: "python", code: hog, bars, params: {}, limits: { memoryMb: 256, timeoutMs: 20_000 } })).code).toBe("TIM_MEMORY");
    const chatty = "def signals(d, p):\n    while True:\n        print('x' * 1000)\n";
    expect((await outcome({ language: "python", code: chatty, bars, params: {}, limits: { outputBytes: 10_000, timeoutMs: 20_000 } })).code).toBe("SBX_OUTPUT_LIMIT");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    expect((await outcome({ language: "python", code: sleep, bars, params: {}, signal: controller.signal })).code).toBe("SBX_CANCELLED");
  });
});

describe("where bubblewrap cannot create a sandbox", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let bwrap: string;
  beforeAll(async () => {
    temp = await makeTempDir("qm-nouserns-");
    // The real bwrap, started inside a namespace that forbids creating user namespaces:
    // what Docker's default seccomp profile and Fargate do to it.
    bwrap = path.join(temp.dir, "bwrap");
    await writeFile(bwrap, '#!/bin/sh\nexec /usr/bin/bwrap --unshare-user --disable-userns --dev-bind / / -- /usr/bin/bwrap "$@"\n');
    await chmod(bwrap, 0o755);
  });
  afterAll(() => temp.remove());

  it("refuses Python jobs with SBX_UNAVAILABLE instead of running them unsandboxed", async () => {
    const result = await outcome({ language: "python", code: PY_SMA_CROSS, bars, params: { fast: 10, slow: 30 } }, { python: { bwrap } });
    expect(result.code).toBe("SBX_UNAVAILABLE");
    expect(result.message).toMatch(/user namespaces/);
  });

  it("names a missing bwrap", async () => {
    const result = await outcome({ language: "python", code: PY_SMA_CROSS, bars, params: {} }, { python: { bwrap: "/nonexistent/bwrap" } });
    expect(result).toMatchObject({ code: "SBX_UNAVAILABLE" });
    expect(result.message).toMatch(/bubblewrap/);
  });
});
