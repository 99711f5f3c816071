"""The fake trade server: order_send's checks and retcodes, positions, pending orders and deals."""
import collections
import time

from . import constants as c
from .records import OrderSendResult, TradeDeal, TradeOrder, TradePosition, TradeRequest

_REQUEST_KEYS = set(TradeRequest._fields)
_PENDING_TYPES = {c.ORDER_TYPE_BUY_LIMIT, c.ORDER_TYPE_SELL_LIMIT, c.ORDER_TYPE_BUY_STOP, c.ORDER_TYPE_SELL_STOP}


class FakeTradeServer:
    def __init__(self, state):
        self.state = state
        self.next_ticket = 100_000
        self.positions = {}
        self.orders = {}
        self.history_orders = []
        self.deals = []
        self.requests = collections.deque(maxlen=100_000)  # every request, newest last, for tests to check

    def _ticket(self) -> int:
        self.next_ticket += 1
        return self.next_ticket

    def send(self, request: dict):
        if not isinstance(request, dict) or set(request) - _REQUEST_KEYS:
            return None
        full = TradeRequest(**{k: request.get(k, 0) for k in TradeRequest._fields})
        full = full._replace(comment=str(request.get("comment", ""))[:31], symbol=request.get("symbol", ""))
        self.requests.append(full)
        action = full.action
        if action == c.TRADE_ACTION_DEAL:
            return self._deal(full)
        if action == c.TRADE_ACTION_PENDING:
            return self._pending(full)
        if action == c.TRADE_ACTION_SLTP:
            return self._sltp(full)
        if action == c.TRADE_ACTION_MODIFY:
            return self._modify(full)
        if action == c.TRADE_ACTION_REMOVE:
            return self._remove(full)
        return self._result(full, c.TRADE_RETCODE_INVALID, "Invalid request")

    def _result(self, req, retcode, comment, deal=0, order=0, volume=0.0, price=0.0):
        sym = self.state.symbols.get(req.symbol)
        return OrderSendResult(retcode, deal, order, volume, price, sym.bid if sym else 0.0, sym.ask if sym else 0.0,
                               comment, len(self.requests), 0, req)

    def _common_checks(self, req, sym):
        if sym is None:
            return c.TRADE_RETCODE_INVALID, "Invalid request"
        if sym.trade_mode == c.SYMBOL_TRADE_MODE_DISABLED:
            return c.TRADE_RETCODE_TRADE_DISABLED, "Trade disabled"
        if not sym.market_open:
            return c.TRADE_RETCODE_MARKET_CLOSED, "Market closed"
        steps = req.volume / sym.volume_step
        if not (sym.volume_min <= req.volume <= sym.volume_max) or abs(steps - round(steps)) > 1e-7:
            return c.TRADE_RETCODE_INVALID_VOLUME, "Invalid volume"
        return None

    def _deal(self, req):
        sym = self.state.symbols.get(req.symbol)
        failed = self._common_checks(req, sym)
        if failed:
            return self._result(req, *failed)
        if req.type not in (c.ORDER_TYPE_BUY, c.ORDER_TYPE_SELL):
            return self._result(req, c.TRADE_RETCODE_INVALID, "Invalid request")
        if req.type_filling not in sym.accepted_fillings:
            return self._result(req, c.TRADE_RETCODE_INVALID_FILL, "Unsupported filling mode")
        price = sym.ask if req.type == c.ORDER_TYPE_BUY else sym.bid
        if req.price and abs(req.price - price) > req.deviation * sym.point + 1e-12:
            return self._result(req, c.TRADE_RETCODE_REQUOTE, "Requote")
        closing = self.positions.get(req.position) if req.position else None
        if req.position and closing is None:
            return self._result(req, c.TRADE_RETCODE_POSITION_CLOSED, "Position doesn't exist")
        if closing is None and self.state.margin_for(sym, req.volume, price) > self.state.margin_free():
            return self._result(req, c.TRADE_RETCODE_NO_MONEY, "No money")
        order, deal = self._ticket(), self._ticket()
        now = time.time()
        if closing is not None:
            if req.volume > closing.volume + 1e-9:
                return self._result(req, c.TRADE_RETCODE_INVALID_VOLUME, "Invalid volume")
            profit = self.state.position_profit(closing, price, req.volume)
            self.state.balance += profit
            left = round(closing.volume - req.volume, 8)
            if left <= 0:
                del self.positions[closing.ticket]
            else:
                self.positions[closing.ticket] = closing._replace(volume=left)
            entry, position_id = c.DEAL_ENTRY_OUT, closing.ticket
        else:
            profit, entry, position_id = 0.0, c.DEAL_ENTRY_IN, order
            self.positions[order] = TradePosition(
                order, int(now), int(now * 1000), int(now), int(now * 1000), req.type, req.magic, order, 3,
                req.volume, price, req.sl or 0.0, req.tp or 0.0, price, 0.0, 0.0, req.symbol, req.comment, "")
        self.history_orders.append(self._order_record(order, req, price, c.ORDER_STATE_FILLED, position_id, now))
        self.deals.append(TradeDeal(deal, order, int(now), int(now * 1000), req.type, entry, req.magic, position_id,
                                    3, req.volume, price, 0.0, 0.0, profit, 0.0, req.symbol, req.comment, ""))
        return self._result(req, c.TRADE_RETCODE_DONE, "Request executed", deal, order, req.volume, price)

    def _order_record(self, ticket, req, price, state, position_id, now):
        return TradeOrder(ticket, int(now), int(now * 1000), int(now), int(now * 1000), 0, req.type, req.type_time,
                          req.type_filling, state, req.magic, position_id, 0, 3, req.volume, req.volume, price,
                          req.sl or 0.0, req.tp or 0.0, price, 0.0, req.symbol, req.comment, "")

    def _pending(self, req):
        sym = self.state.symbols.get(req.symbol)
        failed = self._common_checks(req, sym)
        if failed:
            return self._result(req, *failed)
        if req.type not in _PENDING_TYPES:
            return self._result(req, c.TRADE_RETCODE_INVALID, "Invalid request")
        if req.type_filling not in sym.accepted_fillings | {c.ORDER_FILLING_RETURN}:
            return self._result(req, c.TRADE_RETCODE_INVALID_FILL, "Unsupported filling mode")
        below = req.type in (c.ORDER_TYPE_BUY_LIMIT, c.ORDER_TYPE_SELL_STOP)
        reference = sym.ask if req.type in (c.ORDER_TYPE_BUY_LIMIT, c.ORDER_TYPE_BUY_STOP) else sym.bid
        if not req.price or (req.price >= reference if below else req.price <= reference):
            return self._result(req, c.TRADE_RETCODE_INVALID_PRICE, "Invalid price")
        ticket = self._ticket()
        self.orders[ticket] = self._order_record(ticket, req, req.price, c.ORDER_STATE_PLACED, 0, time.time())
        return self._result(req, c.TRADE_RETCODE_PLACED, "Request executed", 0, ticket, req.volume, req.price)

    def _sltp(self, req):
        position = self.positions.get(req.position)
        if position is None:
            return self._result(req, c.TRADE_RETCODE_POSITION_CLOSED, "Position doesn't exist")
        self.positions[position.ticket] = position._replace(sl=req.sl, tp=req.tp)
        return self._result(req, c.TRADE_RETCODE_DONE, "Request executed", 0, 0, position.volume, position.price_open)

    def _modify(self, req):
        order = self.orders.get(req.order)
        if order is None:
            return self._result(req, c.TRADE_RETCODE_INVALID, "Invalid request")
        self.orders[order.ticket] = order._replace(price_open=req.price, sl=req.sl, tp=req.tp)
        return self._result(req, c.TRADE_RETCODE_DONE, "Request executed", 0, order.ticket, order.volume_current,
                            req.price)

    def _remove(self, req):
        order = self.orders.pop(req.order, None)
        if order is None:
            return self._result(req, c.TRADE_RETCODE_INVALID, "Invalid request")
        self.history_orders.append(order._replace(state=c.ORDER_STATE_CANCELED))
        return self._result(req, c.TRADE_RETCODE_DONE, "Request executed", 0, order.ticket, order.volume_current,
                            order.price_open)
