"""
Trading methods. order_send and position_close are idempotent on client_order_id: the id is the
MT5 order comment, and an earlier order, position or deal carrying it is returned (duplicate:
true) instead of trading again. Each handler runs whole on the MT5 worker thread, so a look-up
and the send that follows it cannot interleave with another request.
"""
from .. import records
from ..errors import MT5_ERROR, RpcError, invalid_params, mt5_error
from ..filling import filling_candidates
from ..params import Params
from .book import find_by_client_id
from .market import selected_symbol

TRADE_ACTION_DEAL, TRADE_ACTION_PENDING, TRADE_ACTION_SLTP, TRADE_ACTION_MODIFY, TRADE_ACTION_REMOVE = 1, 5, 6, 7, 8
ORDER_TIME_GTC = 0
DONE, PLACED, DONE_PARTIAL, INVALID, POSITION_CLOSED, INVALID_FILL = 10009, 10008, 10010, 10013, 10036, 10030
SUCCESS = {DONE, PLACED, DONE_PARTIAL}


def _not_found(ticket: int, what: str, retcode: int) -> RpcError:
    return RpcError(MT5_ERROR, f"no {what} with ticket {ticket}",
                    {"retcode": retcode, "last_error": None, "comment": "not found"})


def _check_volume(method: str, volume: float, info) -> None:
    if not info.volume_min <= volume <= info.volume_max:
        raise invalid_params(f"{method}: params.volume {volume:g} is outside [{info.volume_min:g}, {info.volume_max:g}]")
    steps = volume / info.volume_step
    if abs(steps - round(steps)) > 1e-7:
        raise invalid_params(f"{method}: params.volume {volume:g} is not a multiple of volume_step {info.volume_step:g}")


def _send(term, request: dict, info, pending: bool):
    """order_send with the detected filling policy; on 10030 once more with the next allowed one."""
    modes = filling_candidates(info.filling_mode, info.trade_exemode, pending)
    result = None
    for mode in modes[:2]:
        result = term.check(term.mt5.order_send({**request, "type_filling": mode}), "order_send")
        if result.retcode != INVALID_FILL:
            break
    return _checked(term, result)


def _checked(term, result):
    if result.retcode not in SUCCESS:
        raise mt5_error(f"order rejected: {result.comment} (retcode {result.retcode})", result.retcode,
                        term.last_error(), result.comment)
    return result


def _duplicate(found: dict, client_order_id: str) -> dict:
    kind = found["kind"]
    order = found["ticket"] if kind != "deal" else found["order"]
    price = found["price_open"] if kind != "deal" else found["price"]
    return {"retcode": PLACED if kind == "order" else DONE, "order": order,
            "deal": found["ticket"] if kind == "deal" else 0, "volume": found["volume"], "price": price,
            "comment": f"duplicate: {client_order_id} is already the {kind} {found['ticket']}",
            "client_order_id": client_order_id, "duplicate": True}


def parse_order_send(params: dict, settings) -> dict:
    p = Params("order_send", params)
    args = {
        "client_order_id": p.client_order_id(), "symbol": p.symbol(),
        "side": p.choice("side", ("buy", "sell")), "type": p.choice("type", ("market", "limit", "stop")),
        "volume": p.number("volume", required=True, minimum=0, exclusive_min=True),
        "price": p.number("price", minimum=0, exclusive_min=True), "sl": p.number("sl", minimum=0),
        "tp": p.number("tp", minimum=0), "deviation": p.integer("deviation", maximum=100_000),
        "magic": p.integer("magic"),
    }
    p.done()
    if args["type"] != "market" and args["price"] is None:
        raise invalid_params(f"order_send: params.price is required for a {args['type']} order")
    return args


def order_send(term, args: dict, settings) -> dict:
    mt5 = term.ensure()
    cid = args["client_order_id"]
    found = find_by_client_id(term, cid, settings.history_lookback_days)
    if found is not None:
        return _duplicate(found, cid)
    info = selected_symbol(term, args["symbol"])
    _check_volume("order_send", args["volume"], info)
    pending = args["type"] != "market"
    if pending:
        price = args["price"]
    else:  # the market price now; a price the client sent is only its reference and is not used
        tick = term.check(mt5.symbol_info_tick(args["symbol"]), f"symbol_info_tick({args['symbol']})")
        price = tick.ask if args["side"] == "buy" else tick.bid
    request = {
        "action": TRADE_ACTION_PENDING if pending else TRADE_ACTION_DEAL, "symbol": args["symbol"],
        "volume": args["volume"], "type": records.ORDER_TYPE_CODES[(args["side"], args["type"])], "price": price,
        "sl": args["sl"] or 0.0, "tp": args["tp"] or 0.0,
        "deviation": settings.default_deviation if args["deviation"] is None else args["deviation"],
        "magic": settings.default_magic if args["magic"] is None else args["magic"],
        "comment": cid, "type_time": ORDER_TIME_GTC,
    }
    return records.trade_result(_send(term, request, info, pending), cid)


def parse_ticket_change(params: dict, _settings, method: str) -> dict:
    p = Params(method, params)
    args = {"ticket": p.integer("ticket", required=True, minimum=1)}
    if method == "order_modify":
        args.update(price=p.number("price", minimum=0, exclusive_min=True), sl=p.number("sl", minimum=0),
                    tp=p.number("tp", minimum=0))
    p.done()
    return args


def order_modify(term, args: dict, _settings) -> dict:
    mt5 = term.ensure()
    ticket = args["ticket"]
    sl, tp = args["sl"], args["tp"]
    position = next(iter(term.check(mt5.positions_get(ticket=ticket), "positions_get")), None)
    if position is not None:
        if args["price"] is not None:
            raise invalid_params(f"order_modify: ticket {ticket} is a position; params.price applies to pending orders")
        request = {"action": TRADE_ACTION_SLTP, "position": ticket, "symbol": position.symbol,
                   "sl": position.sl if sl is None else sl, "tp": position.tp if tp is None else tp}
        return records.trade_result(_checked(term, term.check(mt5.order_send(request), "order_send")))
    order = next(iter(term.check(mt5.orders_get(ticket=ticket), "orders_get")), None)
    if order is None:
        raise _not_found(ticket, "open position or pending order", INVALID)
    request = {"action": TRADE_ACTION_MODIFY, "order": ticket, "symbol": order.symbol,
               "price": order.price_open if args["price"] is None else args["price"],
               "sl": order.sl if sl is None else sl, "tp": order.tp if tp is None else tp,
               "type_time": order.type_time}
    return records.trade_result(_checked(term, term.check(mt5.order_send(request), "order_send")))


def order_cancel(term, args: dict, _settings) -> dict:
    mt5 = term.ensure()
    ticket = args["ticket"]
    order = next(iter(term.check(mt5.orders_get(ticket=ticket), "orders_get")), None)
    if order is None:
        raise _not_found(ticket, "pending order", INVALID)
    request = {"action": TRADE_ACTION_REMOVE, "order": ticket, "symbol": order.symbol}
    return records.trade_result(_checked(term, term.check(mt5.order_send(request), "order_send")))


def parse_position_close(params: dict, _settings) -> dict:
    p = Params("position_close", params)
    args = {"ticket": p.integer("ticket", required=True, minimum=1),
            "volume": p.number("volume", minimum=0, exclusive_min=True), "client_order_id": p.client_order_id()}
    p.done()
    return args


def position_close(term, args: dict, settings) -> dict:
    mt5 = term.ensure()
    cid, ticket = args["client_order_id"], args["ticket"]
    found = find_by_client_id(term, cid, settings.history_lookback_days)
    if found is not None:
        return _duplicate(found, cid)
    position = next(iter(term.check(mt5.positions_get(ticket=ticket), "positions_get")), None)
    if position is None:
        raise _not_found(ticket, "open position", POSITION_CLOSED)
    info = selected_symbol(term, position.symbol)
    volume = position.volume if args["volume"] is None else args["volume"]
    if volume > position.volume + 1e-9:
        raise invalid_params(f"position_close: params.volume {volume:g} exceeds the position's {position.volume:g}")
    _check_volume("position_close", volume, info)
    tick = term.check(mt5.symbol_info_tick(position.symbol), f"symbol_info_tick({position.symbol})")
    buy_position = position.type == 0
    request = {
        "action": TRADE_ACTION_DEAL, "position": ticket, "symbol": position.symbol, "volume": volume,
        "type": 1 if buy_position else 0, "price": tick.bid if buy_position else tick.ask,
        "deviation": settings.default_deviation, "magic": position.magic, "comment": cid, "type_time": ORDER_TIME_GTC,
    }
    return records.trade_result(_send(term, request, info, False), cid)
