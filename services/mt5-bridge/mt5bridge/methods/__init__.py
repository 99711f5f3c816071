"""
The method table: name -> (parse, run, kind). `parse(params, settings)` runs on the event loop and
raises -32602 naming the bad field; `run(terminal, args, settings)` runs on the MT5 worker thread
("mt5") or, for the Strategy Tester, on its own thread ("tester").
"""
from dataclasses import dataclass
from typing import Callable

from ..tester.method import parse_tester_run, tester_run
from . import account, book, market, trading


@dataclass(frozen=True)
class Method:
    parse: Callable
    run: Callable
    kind: str = "mt5"


def _named(parse, name):
    return lambda params, _settings: parse(params, name)


METHODS: dict[str, Method] = {
    "health": Method(_named(account.parse_none, "health"), account.health),
    "account_info": Method(_named(account.parse_none, "account_info"), account.account_info),
    "symbol_info": Method(_named(market.parse_symbol, "symbol_info"), market.symbol_info),
    "tick": Method(_named(market.parse_symbol, "tick"), market.tick),
    "history_rates": Method(market.parse_history_rates, market.history_rates),
    "positions": Method(_named(book.parse_optional_symbol, "positions"), book.positions),
    "orders": Method(_named(book.parse_optional_symbol, "orders"), book.orders),
    "order_by_client_id": Method(book.parse_client_id, book.order_by_client_id),
    "order_send": Method(trading.parse_order_send, trading.order_send),
    "order_modify": Method(lambda p, s: trading.parse_ticket_change(p, s, "order_modify"), trading.order_modify),
    "order_cancel": Method(lambda p, s: trading.parse_ticket_change(p, s, "order_cancel"), trading.order_cancel),
    "position_close": Method(trading.parse_position_close, trading.position_close),
    "tester_run": Method(parse_tester_run, tester_run, kind="tester"),
}

