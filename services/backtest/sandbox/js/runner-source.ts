/**
 * The script each isolate runs: the runner (inside a closure the strategy cannot see) called
 * with the strategy wrapped as a CommonJS factory defined outside that closure. The runner
 * takes the job's buffers off the global object before any user code runs, runs the whole bar
 * loop in the isolate, and reports through a shared status block (bars done, outcome code,
 * line, message) and its return value: a Float64Array of targets the runner allocated and
 * filled itself and never hands to the strategy. Nothing the strategy controls (no object, no
 * getter) ever crosses to the host, so a hostile value cannot stall the transfer, and nothing
 * the strategy left queued (a microtask) can change the targets after they were checked.
 */
import { INDICATORS_SOURCE } from "./indicators-source.js";

/** Status block layout, shared with run-javascript.ts: Float64 slots, then UTF-16 text. */
export const STATUS = {
  /** Float64 index: bars the loop has finished (progress). */
  done: 0,
  /** Float64 index: outcome code (OUTCOME). */
  outcome: 1,
  /** Float64 index: line in the generated script where it failed (0 unknown). */
  line: 2,
  /** Float64 index: characters of message written. */
  messageLength: 3,
  /** Float64 index: characters of stack written. */
  stackLength: 4,
  /** Float64 index: the indicator helpers' warm-up (see StrategyRequest.onWarmup). */
  warmup: 5,
  /** Byte offset of the message (UTF-16), then of the stack. */
  messageOffset: 64,
  messageChars: 1024,
  stackChars: 3072,
} as const;
export const STATUS_BYTES = STATUS.messageOffset + 2 * (STATUS.messageChars + STATUS.stackChars);

export const OUTCOME = { running: 0, ok: 1, threw: 2, noEntry: 3, badResult: 4, refused: 5 } as const;

/** Globals the host sets before running; the runner deletes them first. */
export const JOB_GLOBALS = { meta: "__qm_meta", status: "__qm_status", bufferPrefix: "__qm_b" } as const;

const RUNNER = String.raw`(function (factory) {
"use strict";
const G = globalThis;
const meta = G.${JOB_GLOBALS.meta};
const statusBuf = G.${JOB_GLOBALS.status};
const st = new Float64Array(statusBuf, 0, 8);
const text = new Uint16Array(statusBuf, ${STATUS.messageOffset});
const buffers = [];
for (let i = 0; i < meta.buffers; i++) { buffers.push(G["${JOB_GLOBALS.bufferPrefix}" + i]); delete G["${JOB_GLOBALS.bufferPrefix}" + i]; }
delete G.${JOB_GLOBALS.meta}; delete G.${JOB_GLOBALS.status};
// No threads here, so Atomics can only block the isolate (Atomics.wait) without using CPU.
delete G.Atomics;
// Intrinsics the runner needs, taken before user code can replace them.
const isView = ArrayBuffer.isView, isArray = Array.isArray, String_ = String, freeze = Object.freeze;
const F64 = Float64Array, defineProperty = Object.defineProperty;
const setF64 = Float64Array.prototype.set, fillF64 = Float64Array.prototype.fill, apply = Reflect.apply;
const charCodeAt = String.prototype.charCodeAt, ErrorCtor = Error;
let refused = "";
const n = meta.n;
// The targets: returned as the script's value and copied out by the host. The host-allocated
// SharedArrayBuffer this replaced was new memory on every job (~1,900 page faults per million
// bars here); the isolate's memory is freed at dispose and reused by the next isolate.
const out = new F64(n);
const data = { length: n };
for (const c of meta.columns) {
  const column = new F64(buffers[c.buffer], c.byteOffset, n);
  if (!c.shared) { data[c.name] = column; continue; }
  // The host's own memory: the strategy gets a copy, made when it first reads the column.
  let own;
  defineProperty(data, c.name, {
    enumerable: true,
    get() {
      if (own === undefined) { own = new F64(n); apply(setF64, own, [column]); }
      return own;
    },
  });
}
freeze(data);
const params = freeze(meta.params);
function write(offset, max, s) {
  const len = s.length < max ? s.length : max;
  for (let i = 0; i < len; i++) text[offset + i] = apply(charCodeAt, s, [i]);
  return len;
}
function finish(outcome, message, stack) {
  st[${STATUS.outcome}] = outcome;
  st[${STATUS.messageLength}] = write(0, ${STATUS.messageChars}, String_(message));
  st[${STATUS.stackLength}] = write(${STATUS.messageChars}, ${STATUS.stackChars}, String_(stack));
}
function describe(e) {
  try {
    if (e instanceof ErrorCtor) return [String_(e.name) + ": " + String_(e.message), String_(e.stack)];
    return ["a non-Error value was thrown: " + String_(e).slice(0, 200), ""];
  } catch (_) {
    return ["an exception that cannot be described was thrown", ""];
  }
}
// Each helper's output: how many leading NaN it has; the largest is the strategy's warm-up.
let warmup = 0;
function track(values) {
  let i = 0;
  const len = values.length;
  while (i < len && values[i] !== values[i]) i++;
  if (i < len && i > warmup) warmup = i;
  return values;
}
const helpers = freeze((function () {
${INDICATORS_SOURCE}
return {
  sma: (x, n) => track(sma(x, n)),
  ema: (x, n) => track(ema(x, n)),
  // An undefined argument takes the helper's default, as in a direct call.
  rsi: (x, n) => track(rsi(x, n)),
  atr: (h, l, c, n) => track(atr(h, l, c, n)),
  bollinger: (x, n, k) => { const b = bollinger(x, n, k); track(b.middle); return b; },
  crossover,
};
})());
function require(name) {
  if (name === "quantmind") return helpers;
  if (refused === "") refused = String_(name).slice(0, 200);
  throw new ErrorCtor("module " + JSON.stringify(String_(name)) + " is not available in the sandbox; only \"quantmind\" is");
}
function bad(message) { const e = new ErrorCtor(message); e.qmBadResult = true; return e; }
try {
  const module = { exports: {} };
  factory(module, module.exports, require);
  const m = module.exports;
  if (typeof m.signals === "function") {
    const r = m.signals(data, params);
    if (isView(r) && !(r instanceof DataView)) {
      if (r.length !== n) throw bad("signals() returned " + r.length + " values for " + n + " bars");
      apply(setF64, out, [r]);
    } else if (isArray(r)) {
      if (r.length !== n) throw bad("signals() returned " + r.length + " values for " + n + " bars");
      for (let i = 0; i < n; i++) {
        const v = r[i];
        if (typeof v === "number") out[i] = v;
        else if (v === undefined || v === null) out[i] = NaN;
        else throw bad("signals() returned a " + typeof v + " at bar " + i + "; use a number, or NaN to hold");
      }
    } else {
      throw bad("signals() must return a Float64Array (or array of numbers) with one target per bar, got " + (r === null ? "null" : typeof r));
    }
  } else if (typeof m.next === "function") {
    const next = m.next;
    const state = typeof m.init === "function" ? m.init(data, params) : {};
    apply(fillF64, out, [NaN]);
    for (let i = 0; i < n; i++) {
      const v = next(i, data, state, params);
      if (typeof v === "number") out[i] = v;
      else if (v !== undefined && v !== null) throw bad("next() returned a " + typeof v + " at bar " + i + "; return a number, or undefined to hold");
      if ((i & 65535) === 65535) st[${STATUS.done}] = i + 1;
    }
  } else {
    finish(${OUTCOME.noEntry}, "the strategy exports neither signals(data, params) nor next(i, data, state)", "");
    return;
  }
  st[${STATUS.done}] = n;
  st[${STATUS.warmup}] = warmup;
  if (refused !== "") finish(${OUTCOME.refused}, "module " + JSON.stringify(refused) + " is not available in the sandbox; only \"quantmind\" is", "");
  else { st[${STATUS.outcome}] = ${OUTCOME.ok}; return out; }
} catch (e) {
  const [message, stack] = describe(e);
  let isBad = false;
  try { isBad = e instanceof ErrorCtor && e.qmBadResult === true; } catch (_) { isBad = false; }
  if (refused !== "") finish(${OUTCOME.refused}, "module " + JSON.stringify(refused) + " is not available in the sandbox; only \"quantmind\" is", stack);
  else finish(isBad ? ${OUTCOME.badResult} : ${OUTCOME.threw}, message, stack);
}
})(function (module, exports, require) {
`;

/** Lines before the strategy's first line in the script. */
export const USER_LINE_OFFSET = RUNNER.split("\n").length - 1;

/** The full script for one job: runner, then the strategy's CommonJS body. */
export function buildRunnerScript(strategyJs: string): string {
  return `${RUNNER}${strategyJs}\n});\n`;
}
