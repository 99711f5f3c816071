"""Market data methods: symbol_info, tick, history_rates."""
import datetime as dt

from ..errors import invalid_params
from ..filling import NAMES, filling_candidates
from ..params import Params

# timeframe_minutes -> the package's TIMEFRAME_* value (minutes below an hour, 0x4000|hours, 0x8000|weeks, 0xC000|months)
TIMEFRAMES = {
    **{m: m for m in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)},
    **{h * 60: 0x4000 | h for h in (1, 2, 3, 4, 6, 8, 12, 24)},
    10080: 0x8000 | 1,
    43200: 0xC000 | 1,
}


def selected_symbol(term, symbol: str):
    """symbol_info() of a symbol in Market Watch (ticks exist only there): selected on first use."""
    mt5 = term.ensure()
    info = term.check(mt5.symbol_info(symbol), f"symbol_info({symbol})")
    if not info.visible:
        term.check(mt5.symbol_select(symbol, True), f"symbol_select({symbol})")
        info = term.check(mt5.symbol_info(symbol), f"symbol_info({symbol})")
    return info


def parse_symbol(params: dict, method: str):
    p = Params(method, params)
    symbol = p.symbol()
    p.done()
    return symbol


def symbol_info(term, symbol: str, _settings) -> dict:
    info = selected_symbol(term, symbol)
    return {
        "symbol": info.name, "digits": info.digits, "point": info.point, "volume_min": info.volume_min,
        "volume_max": info.volume_max, "volume_step": info.volume_step, "contract_size": info.trade_contract_size,
        "filling_modes": [NAMES[m] for m in filling_candidates(info.filling_mode, info.trade_exemode, False)],
        "trade_mode": {0: "disabled", 1: "long_only", 2: "short_only", 3: "close_only", 4: "full"}.get(
            info.trade_mode, "other"),
        "bid": info.bid, "ask": info.ask,
    }


def tick(term, symbol: str, _settings) -> dict:
    selected_symbol(term, symbol)
    t = term.check(term.mt5.symbol_info_tick(symbol), f"symbol_info_tick({symbol})")
    return {"symbol": symbol, "time_ms": t.time_msc, "bid": t.bid, "ask": t.ask, "last": t.last, "volume": t.volume}


def parse_history_rates(params: dict, settings) -> dict:
    p = Params("history_rates", params)
    symbol = p.symbol()
    minutes = p.integer("timeframe_minutes", required=True, minimum=1, maximum=43200)
    if minutes not in TIMEFRAMES:
        raise invalid_params(f"history_rates: params.timeframe_minutes must be one of {', '.join(map(str, TIMEFRAMES))}")
    start = p.integer("start_ms", required=True)
    end = p.integer("end_ms", required=True)
    p.done()
    if end <= start:
        raise invalid_params("history_rates: params.end_ms must be after start_ms")
    expected = (end - start) // (minutes * 60_000) + 1
    if expected > settings.max_bars:
        raise invalid_params(f"history_rates: the range holds up to {expected} bars, more than the limit of "
                             f"{settings.max_bars}; ask for a shorter range")
    return {"symbol": symbol, "timeframe": TIMEFRAMES[minutes], "start_ms": start, "end_ms": end}


def _utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)


def history_rates(term, args: dict, settings) -> dict:
    mt5 = term.ensure()
    selected_symbol(term, args["symbol"])
    rates = term.check(
        mt5.copy_rates_range(args["symbol"], args["timeframe"], _utc(args["start_ms"]), _utc(args["end_ms"])),
        f"copy_rates_range({args['symbol']})")
    columns = {"time_ms": [], "open": [], "high": [], "low": [], "close": [], "volume": []}
    names = getattr(getattr(rates, "dtype", None), "names", None)
    # a numpy structured array (the real package) or plain tuples in the package's field order
    index = {n: names.index(n) for n in ("time", "open", "high", "low", "close", "tick_volume")} if names else \
        {"time": 0, "open": 1, "high": 2, "low": 3, "close": 4, "tick_volume": 5}
    for row in rates[: settings.max_bars]:
        columns["time_ms"].append(int(row[index["time"]]) * 1000)
        for key in ("open", "high", "low", "close"):
            columns[key].append(float(row[index[key]]))
        columns["volume"].append(int(row[index["tick_volume"]]))
    return columns
