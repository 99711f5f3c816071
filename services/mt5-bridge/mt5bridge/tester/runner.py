"""
One Strategy Tester run: write the expert, compile it with MetaEditor, run the tester terminal
from a generated ini, parse its report, and remove every file it made. Paths come from the
bridge's config; file names are generated, never taken from the request.
"""
import os
import re
import subprocess
import threading
import uuid

from ..errors import TESTER_FAILURE, RpcError
from .ini import PERIODS, tester_ini
from .report import ReportError, decode, parse_report

_ERRORS = re.compile(r"(\d+)\s+errors?\b", re.IGNORECASE)
_LOG_TAIL = 4000
_lock = threading.Lock()  # one run at a time: the tester terminal is a single installation


def _failure(stage: str, reason: str, log: str = "") -> RpcError:
    return RpcError(TESTER_FAILURE, f"tester {stage} failed: {reason}", {"stage": stage, "reason": reason,
                                                                         "log": log[-_LOG_TAIL:]})


def _run(argv: list[str], timeout_s: float, stage: str) -> int:
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout_s, check=False).returncode
    except subprocess.TimeoutExpired:  # subprocess.run kills the child before raising
        raise _failure(stage, f"timed out after {timeout_s:g} s") from None
    except OSError as err:
        raise _failure(stage, f"cannot start {os.path.basename(argv[0])}: {err.strerror}") from None


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return decode(handle.read())
    except OSError:
        return ""


def _compile(metaeditor: str, source: str, log_path: str, timeout_s: float) -> str:
    # MetaEditor's exit status is not reliable across builds: the log and the .ex5 decide
    _run([metaeditor, f"/compile:{source}", f"/log:{log_path}"], timeout_s, "compile")
    log = _read(log_path)
    errors = [int(n) for n in _ERRORS.findall(log)]
    if not os.path.isfile(source[:-4] + ".ex5") or not errors or max(errors) > 0:
        raise _failure("compile", "MetaEditor reported errors" if errors and max(errors) else "no .ex5 produced", log)
    return log


def run_tester(tester, args: dict) -> dict:
    if not tester.terminal_path or not tester.metaeditor_path:
        raise _failure("config", "the bridge has no tester terminal_path/metaeditor_path configured")
    data_dir = tester.data_dir or os.path.dirname(os.path.abspath(tester.terminal_path))
    experts = os.path.join(data_dir, "MQL5", "Experts", "QuantMind")
    reports = os.path.join(data_dir, "QuantMind")
    name = f"qm_{uuid.uuid4().hex[:16]}"
    source = os.path.join(experts, name + ".mq5")
    files = [source, source[:-4] + ".ex5", os.path.join(experts, name + ".log"),
             os.path.join(reports, name + ".ini"), os.path.join(reports, name + ".htm")]
    with _lock:
        try:
            os.makedirs(experts, exist_ok=True)
            os.makedirs(reports, exist_ok=True)
            with open(source, "w", encoding="utf-8-sig", newline="\r\n") as handle:
                handle.write(args["expert_source"])
            compile_log = _compile(tester.metaeditor_path, source, files[2], tester.compile_timeout_s)
            with open(files[3], "w", encoding="utf-16", newline="") as handle:
                handle.write(tester_ini(
                    expert=f"QuantMind\\{name}.ex5", symbol=args["symbol"], period=PERIODS[args["timeframe_minutes"]],
                    from_date=args["from_date"].replace("-", "."), to_date=args["to_date"].replace("-", "."),
                    deposit=args["deposit"], currency=tester.currency, leverage=tester.leverage, model=tester.model,
                    report=f"QuantMind\\{name}.htm", inputs=args["inputs"]))
            argv = [tester.terminal_path, f"/config:{files[3]}"] + (["/portable"] if tester.portable else [])
            status = _run(argv, tester.run_timeout_s, "run")
            try:
                with open(files[4], "rb") as handle:
                    raw = handle.read()
            except OSError:
                raise _failure("run", f"the terminal exited with status {status} and wrote no report") from None
            try:
                result = parse_report(raw)
            except ReportError as err:
                raise _failure("report", str(err)) from None
            return {**result, "compile_log": compile_log[-_LOG_TAIL:]}
        finally:
            for path in files:
                try:
                    os.remove(path)
                except OSError:
                    pass
