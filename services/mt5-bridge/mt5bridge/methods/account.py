"""health and account_info."""
import time

from .. import VERSION
from ..errors import RpcError
from ..params import Params


def parse_none(params: dict, method: str):
    Params(method, params).done()


def health(term, _args, _settings) -> dict:
    """Answers even when the terminal is down: that is what it is for."""
    connected = False
    try:
        mt5 = term.ensure()
        info = mt5.terminal_info()
        connected = bool(info is not None and info.connected)
        if info is None:
            term.check(None, "terminal_info")
    except RpcError:
        connected = False
    return {"ok": True, "terminal_connected": connected, "version": VERSION, "server_time_ms": int(time.time() * 1000)}


def account_info(term, _args, _settings) -> dict:
    a = term.check(term.ensure().account_info(), "account_info")
    return {
        "login": a.login, "server": a.server, "currency": a.currency, "balance": a.balance, "equity": a.equity,
        "margin": a.margin, "margin_free": a.margin_free, "leverage": a.leverage, "trade_allowed": bool(a.trade_allowed),
    }
