"""MT5 records (named tuples) as the protocol's snake_case objects."""

# ORDER_TYPE_* -> (side, type)
ORDER_TYPES = {0: ("buy", "market"), 1: ("sell", "market"), 2: ("buy", "limit"), 3: ("sell", "limit"),
               4: ("buy", "stop"), 5: ("sell", "stop")}
ORDER_TYPE_CODES = {v: k for k, v in ORDER_TYPES.items()}
_SIDES = {0: "buy", 1: "sell"}  # POSITION_TYPE_* and DEAL_TYPE_BUY/SELL (other deal types: balance, credit, ...)


def position(p) -> dict:
    return {
        "ticket": p.ticket, "symbol": p.symbol, "side": _SIDES.get(p.type, "other"), "volume": p.volume,
        "price_open": p.price_open, "sl": p.sl, "tp": p.tp, "profit": p.profit, "comment": p.comment,
        "magic": p.magic, "time_ms": p.time_msc,
    }


def order(o) -> dict:
    side, kind = ORDER_TYPES.get(o.type, ("other", "other"))
    return {
        "ticket": o.ticket, "symbol": o.symbol, "side": side, "type": kind, "volume": o.volume_current,
        "price_open": o.price_open, "sl": o.sl, "tp": o.tp, "comment": o.comment, "magic": o.magic,
        "time_ms": o.time_setup_msc,
    }


def deal(d) -> dict:
    return {
        "ticket": d.ticket, "order": d.order, "position_id": d.position_id, "symbol": d.symbol,
        "side": _SIDES.get(d.type, "other"), "entry": {0: "in", 1: "out", 2: "inout", 3: "out_by"}.get(d.entry, "other"),
        "volume": d.volume, "price": d.price, "profit": d.profit, "comment": d.comment, "magic": d.magic,
        "time_ms": d.time_msc,
    }


def trade_result(result, client_order_id=None, duplicate: bool = False) -> dict:
    out = {
        "retcode": result.retcode, "order": result.order, "deal": result.deal, "volume": result.volume,
        "price": result.price, "comment": result.comment,
    }
    if client_order_id is not None:
        out.update(client_order_id=client_order_id, duplicate=duplicate)
    return out
