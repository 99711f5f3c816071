"""
A stand-in for the `MetaTrader5` package, for tests and for `bridge.py --fake-mt5`.

It has the real package's module-level API and return conventions: calls before initialize()
return None and set last_error() to (-10004, 'No IPC connection'); records are named tuples with
the real field names; order_send returns a result whose retcode says what happened (10009 done,
10008 placed, 10030 unsupported filling, 10018 market closed, 10019 no money, ...);
copy_rates_range returns a numpy structured array. `_state` and `_reset()` are the test hooks.
Environment: FAKE_MT5_CALL_DELAY_MS slows every call (to test timeouts and disconnects).
"""
import collections as _collections
import datetime as _dt
import functools as _functools
import os as _os
import threading as _threading
import time as _time

from . import constants as _c
from .constants import *  # noqa: F401,F403 - the real package exports its constants at top level
from .market import as_rates as _as_rates, bars as _bars, default_symbols as _default_symbols
from .market import timeframe_seconds as _timeframe_seconds
from .records import AccountInfo as _AccountInfo, SymbolInfo as _SymbolInfo, TerminalInfo as _TerminalInfo
from .records import Tick as _Tick
from .trading import FakeTradeServer as _FakeTradeServer

__version__ = "5.0.4410-fake"


class _State:
    def __init__(self):
        self.initialized = False
        self.error = (_c.RES_S_OK, "Success")
        self.login = 5_001_234
        self.password = "demo-password"
        self.server = "QuantMind-Demo"
        self.balance = 10_000.0
        self.leverage = 100
        self.symbols = _default_symbols()
        self.trade = _FakeTradeServer(self)
        self.delay_s = int(_os.environ.get("FAKE_MT5_CALL_DELAY_MS", "0")) / 1000
        self.structured_rates = True
        self.calls = _collections.deque(maxlen=100_000)  # call names, newest last (bounded: --fake-mt5 runs for long)
        self.in_call = 0
        self.max_in_call = 0  # the most calls seen running at once: the real package is not thread-safe
        self.lock = _threading.Lock()

    def margin_for(self, sym, volume, price):
        notional = volume * sym.contract_size * price
        return (notional / price if sym.profit_in_quote else notional) / self.leverage

    def position_profit(self, position, price, volume=None):
        volume = position.volume if volume is None else volume
        sym = self.symbols[position.symbol]
        move = (price - position.price_open) if position.type == _c.POSITION_TYPE_BUY else (position.price_open - price)
        profit = move * volume * sym.contract_size
        return round(profit / price if sym.profit_in_quote else profit, 2)

    def floating(self):
        total = 0.0
        for p in self.trade.positions.values():
            sym = self.symbols[p.symbol]
            total += self.position_profit(p, sym.bid if p.type == _c.POSITION_TYPE_BUY else sym.ask)
        return total

    def margin(self):
        positions = self.trade.positions.values()
        return sum((self.margin_for(self.symbols[p.symbol], p.volume, p.price_open) for p in positions), 0.0)

    def margin_free(self):
        return self.balance + self.floating() - self.margin()


_state = _State()


def _reset(**overrides):
    """Back to a fresh, uninitialised terminal; keyword arguments override _State attributes."""
    global _state
    _state = _State()
    for key, value in overrides.items():
        setattr(_state, key, value)
    return _state


def _api(needs_init=True):
    def wrap(fn):
        @_functools.wraps(fn)
        def call(*args, **kwargs):
            state = _state
            with state.lock:
                state.in_call += 1
                state.max_in_call = max(state.max_in_call, state.in_call)
                state.calls.append(fn.__name__)
            try:
                if state.delay_s:
                    _time.sleep(state.delay_s)
                if needs_init and not state.initialized:
                    state.error = (_c.RES_E_INTERNAL_FAIL_CONNECT, "No IPC connection")
                    return None
                state.error = (_c.RES_S_OK, "Success")
                return fn(*args, **kwargs)
            finally:
                with state.lock:
                    state.in_call -= 1
        return call
    return wrap


@_api(needs_init=False)
def initialize(path=None, *, login=None, password=None, server=None, timeout=60_000, portable=False):
    if login is not None and (login != _state.login or password != _state.password or server != _state.server):
        _state.error = (_c.RES_E_AUTH_FAILED, "Terminal: Authorization failed")
        return False
    _state.initialized = True
    return True


@_api()
def login(login, *, password=None, server=None, timeout=60_000):
    if login != _state.login or password != _state.password or server != _state.server:
        _state.error = (_c.RES_E_AUTH_FAILED, "Terminal: Authorization failed")
        return False
    return True


@_api(needs_init=False)
def shutdown():
    _state.initialized = False
    return True


def last_error():
    return _state.error


@_api()
def version():
    return (500, 4410, "01 Jun 2024")


@_api()
def terminal_info():
    return _TerminalInfo(True, True, 4410, "MetaTrader 5", "C:\\MT5", "C:\\MT5")


@_api()
def account_info():
    s = _state
    equity = round(s.balance + s.floating(), 2)
    margin = round(s.margin(), 2)
    return _AccountInfo(s.login, 0, s.leverage, 200, 0, True, True, round(s.balance, 2), 0.0,
                        round(s.floating(), 2), equity, margin, round(equity - margin, 2),
                        round(equity / margin * 100, 2) if margin else 0.0, "USD", s.server, "QuantMind Fake",
                        "Demo Account")


def _symbol(name):
    sym = _state.symbols.get(name)
    if sym is None:
        _state.error = (_c.RES_E_NOT_FOUND, "Terminal: Not found")
    return sym


@_api()
def symbol_info(symbol):
    s = _symbol(symbol)
    if s is None:
        return None
    return _SymbolInfo(s.name, s.visible, s.visible, s.digits, s.point, round((s.ask - s.bid) / s.point),
                       s.trade_mode, s.trade_exemode, s.filling_mode, s.contract_size, s.volume_min, s.volume_max,
                       s.volume_step, s.bid, s.ask, 0.0, s.name[:3], s.name[3:] or "USD", s.name)


@_api()
def symbol_select(symbol, enable=True):
    s = _symbol(symbol)
    if s is None:
        return False
    s.visible = bool(enable)
    return True


@_api()
def symbol_info_tick(symbol):
    s = _symbol(symbol)
    if s is None or not s.visible:  # the real terminal has no ticks for a symbol outside Market Watch
        return None
    now = _time.time()
    return _Tick(int(now), s.bid, s.ask, 0.0, 0, int(now * 1000), 6, 0.0)


def _filtered(records, symbol=None, group=None, ticket=None):
    out = [r for r in records if (symbol is None or r.symbol == symbol) and (ticket is None or r.ticket == ticket)]
    if group is not None:
        out = [r for r in out if r.symbol.startswith(group.strip("*"))]
    return tuple(out)


@_api()
def positions_get(symbol=None, group=None, ticket=None):
    positions = []
    for p in _state.trade.positions.values():
        sym = _state.symbols[p.symbol]
        current = sym.bid if p.type == _c.POSITION_TYPE_BUY else sym.ask
        positions.append(p._replace(price_current=current, profit=_state.position_profit(p, current)))
    return _filtered(positions, symbol, group, ticket)


@_api()
def orders_get(symbol=None, group=None, ticket=None):
    return _filtered(_state.trade.orders.values(), symbol, group, ticket)


def _seconds(value):
    if isinstance(value, _dt.datetime):
        return value.timestamp()
    return float(value)


def _history(records, time_field, date_from=None, date_to=None, group=None, ticket=None, position=None):
    if ticket is not None:
        return tuple(r for r in records if r.ticket == ticket)
    if position is not None:
        return tuple(r for r in records if r.position_id == position)
    if date_from is None or date_to is None:
        _state.error = (_c.RES_E_INVALID_PARAMS, "Invalid arguments")
        return None
    start, end = _seconds(date_from), _seconds(date_to)
    return _filtered([r for r in records if start <= getattr(r, time_field) <= end], group=group)


@_api()
def history_deals_get(date_from=None, date_to=None, group=None, ticket=None, position=None):
    return _history(_state.trade.deals, "time", date_from, date_to, group, ticket, position)


@_api()
def history_orders_get(date_from=None, date_to=None, group=None, ticket=None, position=None):
    return _history(_state.trade.history_orders, "time_setup", date_from, date_to, group, ticket, position)


@_api()
def order_send(request):
    result = _state.trade.send(request)
    if result is None:
        _state.error = (_c.RES_E_INVALID_PARAMS, "Invalid \"request\" argument")
    return result


@_api()
def copy_rates_range(symbol, timeframe, date_from, date_to):
    s = _symbol(symbol)
    step = _timeframe_seconds(timeframe)
    if s is None:
        return None
    if step is None:
        _state.error = (_c.RES_E_INVALID_PARAMS, "Invalid arguments")
        return None
    rows = _bars(s, step, int(_seconds(date_from)), int(_seconds(date_to)))
    return _as_rates(rows, _state.structured_rates)
