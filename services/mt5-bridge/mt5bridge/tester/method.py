"""The tester_run method: its params; it runs on the tester thread, not the MT5 worker."""
import datetime as dt
import math
import re

from ..errors import invalid_params
from ..params import Params
from .ini import PERIODS
from .runner import run_tester

MAX_SOURCE_CHARS = 512 * 1024
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def _date(p: Params, name: str) -> str:
    value = p.string(name, max_length=10, pattern=_DATE, hint=" (YYYY-MM-DD)")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise invalid_params(f"tester_run: params.{name} {value} is not a calendar date") from None
    return value


def parse_tester_run(params: dict, _settings) -> dict:
    p = Params("tester_run", params)
    args = {
        "expert_source": p.string("expert_source", max_length=MAX_SOURCE_CHARS),
        "symbol": p.symbol(),
        "timeframe_minutes": p.integer("timeframe_minutes", required=True, minimum=1, maximum=43200),
        "from_date": _date(p, "from_date"), "to_date": _date(p, "to_date"),
        "deposit": p.number("deposit", required=True, minimum=0, exclusive_min=True, maximum=1e12),
        "inputs": p.mapping("inputs"),
    }
    p.done()
    if args["timeframe_minutes"] not in PERIODS:
        raise invalid_params(f"tester_run: params.timeframe_minutes must be one of {', '.join(map(str, PERIODS))}")
    if args["from_date"] >= args["to_date"]:
        raise invalid_params("tester_run: params.from_date must be before to_date")
    if len(args["inputs"]) > 256:
        raise invalid_params("tester_run: params.inputs may hold at most 256 entries")
    for name, value in args["inputs"].items():
        if not _INPUT_NAME.fullmatch(name):
            raise invalid_params(f"tester_run: params.inputs name {name[:64]!r} is not an MQL5 identifier")
        if isinstance(value, str):
            if len(value) > 256 or any(ch in value for ch in "\r\n|\x00"):
                raise invalid_params(f"tester_run: params.inputs.{name} must be <= 256 characters without line breaks or |")
        elif not isinstance(value, (bool, int, float)) or (isinstance(value, float) and not math.isfinite(value)):
            raise invalid_params(f"tester_run: params.inputs.{name} must be a number, string or boolean")
    return args


def tester_run(_terminal, args: dict, settings) -> dict:
    return run_tester(settings.tester, args)

