/**
 * What runs inside the Python sandbox, as source: a one-line bootstrap given to `python -I -S -c`,
 * which reads a length-prefixed JSON header from stdin and executes the runner it carries.
 * The runner gets each bar column when the strategy first reads it (one byte with its index
 * on fd 5; its raw little-endian float64 bytes then arrive on stdin) as a read-only
 * numpy.frombuffer array when numpy is present, a memoryview otherwise. It installs an audit hook that refuses
 * processes, sockets, native code and file writes (a second fence inside bubblewrap, not the
 * boundary), runs the strategy and its whole bar loop, and writes the outcome and the targets
 * as raw float64 bytes to fd 3. Progress goes to fd 4 as "done\n" lines, about twenty per job.
 */
import { PY_INDICATORS_SOURCE } from "./indicators-source.js";

export const PY_BOOTSTRAP =
  "import sys,struct,json;b=sys.stdin.buffer;h=json.loads(b.read(struct.unpack('<Q',b.read(8))[0]));" +
  "exec(compile(h['runner'],'<runner>','exec'),{'__name__':'__qm_runner__','HEADER':h})";

const RUNNER = String.raw`
import sys, os, struct, json, math, time, types
from array import array

def _main(header):
    res = os.fdopen(3, "wb", buffering=0)
    prog = os.fdopen(4, "wb", buffering=0)
    req = os.fdopen(5, "wb", buffering=0)
    stdin = sys.stdin.buffer
    n = int(header["n"])
    names = header["columns"]
    try:
        import numpy as np
    except ImportError:
        np = None

    clock = [time.perf_counter(), time.process_time()]

    def finish(outcome, message="", line=None, payload=b""):
        # A refused operation decides the outcome even if the strategy caught the error.
        if refused and outcome != "memory":
            outcome, message, payload = "refused", "%s is not allowed in the strategy sandbox" % refused[0], b""
        prog.close()
        timing = {"run_ms": (time.perf_counter() - clock[0]) * 1000, "run_cpu_ms": (time.process_time() - clock[1]) * 1000,
                  "cpu_ms": time.process_time() * 1000}
        head = json.dumps({"outcome": outcome, "message": str(message)[:2000], "line": line, "timing": timing,
                           "warmup": warm[0]}).encode()
        # The targets go out straight from their array (no joined copy of 8 bytes per bar).
        res.write(struct.pack("<Q", len(head)) + head)
        if len(payload):
            res.write(payload)
        res.close()

    helpers = types.ModuleType("quantmind")
    helpers.__dict__["_np"] = np
    exec(compile(HEADER["helpers"], "<quantmind>", "exec"), helpers.__dict__)
    sys.modules["quantmind"] = helpers

    # Each helper's output: how many leading NaN it has; the largest is the strategy's warm-up
    # (StrategyRequest.onWarmup). bollinger counts by its middle band; crossover is never NaN.
    warm = [0]
    def tracked(f, band=None):
        def wrapper(*args, **kwargs):
            r = f(*args, **kwargs)
            v = r[band] if band else r
            size = len(v)
            if np is not None and isinstance(v, np.ndarray):
                bad = np.isnan(v)
                i = int(bad.argmin()) if size and not bad[bad.argmin()] else size
            else:
                i = 0
                while i < size and v[i] != v[i]:
                    i += 1
            if i < size and i > warm[0]:
                warm[0] = i
            return r
        wrapper.__name__, wrapper.__doc__ = f.__name__, f.__doc__
        return wrapper
    for name in ("sma", "ema", "rsi", "atr"):
        setattr(helpers, name, tracked(getattr(helpers, name)))
    helpers.bollinger = tracked(helpers.bollinger, "middle")

    def load(k):
        req.write(bytes((k,)))
        raw = stdin.read(8 * n)
        if len(raw) != 8 * n:
            raise SystemExit("short input for column %s: %d bytes" % (names[k], len(raw)))
        return np.frombuffer(raw, dtype="<f8") if np is not None else memoryview(raw).cast("d")

    class Bars:
        """Columns as attributes (data.close) or items (data["close"]); len(data) is the bar count.
        A column is fetched from the host the first time it is read (see the module comment)."""
        __slots__ = tuple(names) + ("_n",)
        def __init__(self):
            object.__setattr__(self, "_n", n)
        def __getattr__(self, name):
            # Only called for a column slot not filled yet (or a name that is no column).
            if name not in names:
                raise AttributeError(name)
            col = load(names.index(name))
            object.__setattr__(self, name, col)
            return col
        def __len__(self):
            return self._n
        def __getitem__(self, name):
            if name not in names:
                raise KeyError(name)
            return getattr(self, name)
        def __setattr__(self, name, value):
            raise AttributeError("the bars are read-only")
        def __delattr__(self, name):
            raise AttributeError("the bars are read-only")

    data = Bars()
    params = dict(header["params"])
    refused = []
    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    BLOCKED = {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
               "subprocess.Popen", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata", "ctypes.call_function",
               "socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo", "socket.sendto", "urllib.Request",
               "os.putenv", "os.unsetenv", "os.chmod", "os.chown", "os.remove", "os.rename", "os.rmdir", "os.mkdir",
               "os.symlink", "os.link", "os.truncate", "shutil.rmtree", "sys.addaudithook", "sys.setprofile", "sys.settrace",
               "mmap.__new__", "resource.setrlimit", "resource.prlimit", "fcntl.ioctl", "signal.pthread_kill"}

    def writes(args):
        mode = args[1] if len(args) > 1 else None
        if isinstance(mode, str):
            return any(c in mode for c in "wax+")
        flags = args[2] if len(args) > 2 else 0
        return isinstance(flags, int) and flags & WRITE_FLAGS != 0

    def hook(event, args):
        if event in BLOCKED or event == "open" and writes(args):
            what = "opening %r for writing" % (args[0],) if event == "open" else event
            if not refused:
                refused.append(what)
            raise PermissionError("%s is not allowed in the strategy sandbox" % what)

    def user_line(tb):
        # Imported only when a strategy fails: it costs start-up time every job would pay.
        import traceback
        line = None
        for frame in traceback.extract_tb(tb):
            if frame.filename == "strategy.py":
                line = frame.lineno
        return line

    try:
        code = compile(header["code"], "strategy.py", "exec")
    except SyntaxError as e:
        return finish("syntax", "%s: %s" % (type(e).__name__, e.msg), e.lineno)
    sys.addaudithook(hook)
    clock[:] = [time.perf_counter(), time.process_time()]
    module = {"__name__": "strategy", "__builtins__": __builtins__}
    out = None
    try:
        exec(code, module)
        signals, nxt, init = module.get("signals"), module.get("next"), module.get("init")
        if callable(signals):
            r = signals(data, params)
            if np is not None and not isinstance(r, (str, bytes)):
                try:
                    arr = np.asarray(r, dtype=np.float64)
                except (TypeError, ValueError) as e:
                    return finish("bad_result", "signals() must return one number per bar: %s" % e)
                if arr.ndim != 1 or arr.shape[0] != n:
                    return finish("bad_result", "signals() returned shape %s for %d bars" % (arr.shape, n))
                out = memoryview(np.ascontiguousarray(arr, dtype="<f8")).cast("B")
            else:
                if isinstance(r, (str, bytes)) or not hasattr(r, "__len__"):
                    return finish("bad_result", "signals() must return a sequence with one number per bar, got %s" % type(r).__name__)
                if len(r) != n:
                    return finish("bad_result", "signals() returned %d values for %d bars" % (len(r), n))
                a = array("d", [math.nan]) * n
                for i in range(n):
                    v = r[i]
                    if v is not None:
                        if not isinstance(v, (int, float)):
                            return finish("bad_result", "signals() returned a %s at bar %d; use a number, or None to hold" % (type(v).__name__, i))
                        a[i] = v
                out = a.tobytes()
        elif callable(nxt):
            state = init(data, params) if callable(init) else {}
            code_obj = getattr(nxt, "__code__", None)
            with_params = code_obj is not None and code_obj.co_argcount >= 4
            a = array("d", [math.nan]) * n
            step = max(1024, n // 20)
            report = step
            for i in range(n):
                v = nxt(i, data, state, params) if with_params else nxt(i, data, state)
                if v is not None:
                    try:
                        a[i] = v
                    except TypeError:
                        return finish("bad_result", "next() returned a %s at bar %d; return a number, or None to hold" % (type(v).__name__, i))
                if i + 1 == report:
                    prog.write(b"%d\n" % report)
                    report += step
            out = a.tobytes()
        else:
            return finish("no_entry", "the strategy defines neither signals(data, params) nor next(i, data, state)")
    except MemoryError:
        out = None
        return finish("memory", "MemoryError")
    except RecursionError as e:
        return finish("threw", "RecursionError: %s" % e, user_line(e.__traceback__))
    except BaseException as e:
        if refused:
            return finish("refused", "%s is not allowed in the strategy sandbox" % refused[0], user_line(e.__traceback__))
        return finish("threw", "%s: %s" % (type(e).__name__, e), user_line(e.__traceback__))
    if refused:
        return finish("refused", "%s is not allowed in the strategy sandbox" % refused[0])
    finish("ok", payload=out)

_main(HEADER)
`;

/** The header the host writes before the columns. */
export interface PythonHeader {
  n: number;
  columns: readonly string[];
  params: Record<string, number | string | boolean>;
  code: string;
  runner: string;
  helpers: string;
}

export function pythonHeader(fields: Pick<PythonHeader, "n" | "columns" | "params" | "code">): PythonHeader {
  return { ...fields, runner: RUNNER, helpers: PY_INDICATORS_SOURCE };
}
