"""What is open and what happened: positions, pending orders, and finding an order by its client id."""
import time

from .. import records
from ..params import Params


def parse_optional_symbol(params: dict, method: str):
    p = Params(method, params)
    symbol = p.symbol(required=False)
    p.done()
    return symbol


def positions(term, symbol, _settings) -> list:
    mt5 = term.ensure()
    found = mt5.positions_get(symbol=symbol) if symbol else mt5.positions_get()
    return [records.position(p) for p in term.check(found, "positions_get")]


def orders(term, symbol, _settings) -> list:
    mt5 = term.ensure()
    found = mt5.orders_get(symbol=symbol) if symbol else mt5.orders_get()
    return [records.order(o) for o in term.check(found, "orders_get")]


def find_by_client_id(term, client_order_id: str, lookback_days: int):
    """
    What an earlier request with this client order id produced, newest evidence first: an open
    position, a pending order, then a deal in the last `lookback_days` of history. The package
    cannot filter by comment, so the bridge does. None when nothing carries the id.
    """
    mt5 = term.ensure()
    for p in term.check(mt5.positions_get(), "positions_get"):
        if p.comment == client_order_id:
            return {"kind": "position", **records.position(p)}
    for o in term.check(mt5.orders_get(), "orders_get"):
        if o.comment == client_order_id:
            return {"kind": "order", **records.order(o)}
    now = time.time()
    deals = term.check(mt5.history_deals_get(int(now - lookback_days * 86400), int(now + 86400)), "history_deals_get")
    for d in sorted(deals, key=lambda d: d.time_msc, reverse=True):
        if d.comment == client_order_id:
            return {"kind": "deal", **records.deal(d)}
    return None


def parse_client_id(params: dict, _settings) -> str:
    p = Params("order_by_client_id", params)
    cid = p.client_order_id()
    p.done()
    return cid


def order_by_client_id(term, client_order_id: str, settings):
    return find_by_client_id(term, client_order_id, settings.history_lookback_days)
