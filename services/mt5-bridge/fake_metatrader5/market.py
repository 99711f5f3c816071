"""The fake terminal's market: a few symbols with fixed quotes and deterministic bars."""
import math
from dataclasses import dataclass, field

from . import constants as c


@dataclass
class FakeSymbol:
    name: str
    digits: int
    bid: float
    ask: float
    contract_size: float
    # what symbol_info() advertises ...
    filling_mode: int
    # ... and what the trade server really accepts for market orders (brokers sometimes differ)
    accepted_fillings: set = field(default_factory=set)
    trade_mode: int = c.SYMBOL_TRADE_MODE_FULL
    trade_exemode: int = c.SYMBOL_TRADE_EXECUTION_MARKET
    market_open: bool = True
    visible: bool = True
    volume_min: float = 0.01
    volume_max: float = 100.0
    volume_step: float = 0.01
    profit_in_quote: bool = False  # profit is in the quote currency (USDJPY): divide by price for USD

    @property
    def point(self) -> float:
        return 10.0 ** -self.digits


def default_symbols() -> dict:
    both = c.SYMBOL_FILLING_FOK | c.SYMBOL_FILLING_IOC
    symbols = [
        FakeSymbol("EURUSD", 5, 1.08500, 1.08510, 100_000, both, {c.ORDER_FILLING_FOK, c.ORDER_FILLING_IOC}),
        FakeSymbol("USDJPY", 3, 150.000, 150.010, 100_000, c.SYMBOL_FILLING_IOC, {c.ORDER_FILLING_IOC},
                   profit_in_quote=True),
        # advertises FOK and IOC, but the server refuses FOK: the bridge must retry with IOC
        FakeSymbol("XAUUSD", 2, 2000.00, 2000.30, 100, both, {c.ORDER_FILLING_IOC}),
        # instant execution, no FOK/IOC flags: only RETURN; hidden from Market Watch until selected
        FakeSymbol("GER40", 1, 18000.0, 18001.0, 1, 0, {c.ORDER_FILLING_RETURN},
                   trade_exemode=c.SYMBOL_TRADE_EXECUTION_INSTANT, visible=False, volume_min=0.1, volume_step=0.1),
        FakeSymbol("US500", 2, 5000.00, 5000.50, 1, both, {c.ORDER_FILLING_FOK, c.ORDER_FILLING_IOC},
                   market_open=False),
    ]
    return {s.name: s for s in symbols}


_TIMEFRAME_SECONDS = {
    **{m: m * 60 for m in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)},
    **{0x4000 | h: h * 3600 for h in (1, 2, 3, 4, 6, 8, 12, 24)},
    0x8000 | 1: 7 * 86400,
    0xC000 | 1: 30 * 86400,
}


def timeframe_seconds(timeframe) -> int | None:
    return _TIMEFRAME_SECONDS.get(timeframe)


def bars(symbol: FakeSymbol, step: int, start: int, end: int) -> list:
    """Bars whose open time lies in [start, end], aligned to the timeframe; prices follow a slow sine."""
    first = -(-start // step) * step
    rows = []
    for t in range(first, end + 1, step):
        base = symbol.bid * (1 + 0.01 * math.sin(t / 86400))
        spread = symbol.bid * 0.001
        o = round(base, symbol.digits)
        cl = round(base + spread * math.sin(t / 3600), symbol.digits)
        hi = round(max(o, cl) + spread, symbol.digits)
        lo = round(min(o, cl) - spread, symbol.digits)
        rows.append((t, o, hi, lo, cl, 100 + t % 50, 1, 0))
    return rows


RATE_FIELDS = [
    ("time", "<i8"), ("open", "<f8"), ("high", "<f8"), ("low", "<f8"), ("close", "<f8"),
    ("tick_volume", "<u8"), ("spread", "<i4"), ("real_volume", "<u8"),
]


def as_rates(rows: list, structured: bool):
    """A numpy structured array like the real package returns, or plain tuples without numpy."""
    if structured:
        try:
            import numpy  # noqa: PLC0415 - optional, as in the real package's callers
        except ImportError:
            return tuple(rows)
        return numpy.array(rows, dtype=RATE_FIELDS)
    return tuple(rows)
