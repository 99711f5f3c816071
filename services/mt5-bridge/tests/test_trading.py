"""Trading over the socket: filling-mode detection and retry, retcodes, idempotency, modify, cancel, close."""
import unittest

from mt5bridge import errors
from mt5bridge.filling import ORDER_FILLING_FOK, ORDER_FILLING_IOC, ORDER_FILLING_RETURN, filling_candidates

from .support import BridgeTestCase

FOK, IOC, RETURN = ORDER_FILLING_FOK, ORDER_FILLING_IOC, ORDER_FILLING_RETURN
MARKET_EXECUTION, INSTANT_EXECUTION = 2, 1


class FillingDetectionTest(unittest.TestCase):
    def test_market_orders(self):
        self.assertEqual(filling_candidates(1 | 2, MARKET_EXECUTION, False), [FOK, IOC])
        self.assertEqual(filling_candidates(2, MARKET_EXECUTION, False), [IOC])
        self.assertEqual(filling_candidates(1, MARKET_EXECUTION, False), [FOK])
        self.assertEqual(filling_candidates(0, MARKET_EXECUTION, False), [RETURN])
        self.assertEqual(filling_candidates(0, INSTANT_EXECUTION, False), [RETURN])
        self.assertEqual(filling_candidates(2, INSTANT_EXECUTION, False), [IOC, RETURN])

    def test_pending_orders_prefer_return(self):
        self.assertEqual(filling_candidates(1 | 2, MARKET_EXECUTION, True), [RETURN, FOK, IOC])
        self.assertEqual(filling_candidates(0, MARKET_EXECUTION, True), [RETURN])


def market(cid, symbol="EURUSD", side="buy", volume=0.1, **extra):
    return {"client_order_id": cid, "symbol": symbol, "side": side, "type": "market", "volume": volume, **extra}


class TradingTest(BridgeTestCase):
    def setUp(self):
        super().setUp()
        self.c = self.client()

    def sent(self) -> list:
        return list(self.fake.trade.requests)

    def test_a_market_buy_fills_at_the_ask_with_the_first_detected_mode(self):
        result = self.c.call("order_send", market("buy-1", deviation=5, magic=7))
        self.assertEqual(result, {"retcode": 10009, "order": result["order"], "deal": result["deal"], "volume": 0.1,
                                  "price": 1.0851, "comment": "Request executed", "client_order_id": "buy-1",
                                  "duplicate": False})
        request = self.sent()[-1]
        self.assertEqual((request.action, request.type, request.type_filling, request.comment, request.deviation,
                          request.magic, request.price), (1, 0, FOK, "buy-1", 5, 7, 1.0851))

    def test_a_symbol_with_only_ioc_gets_ioc_straight_away(self):
        self.assertEqual(self.c.call("order_send", market("jpy-1", symbol="USDJPY", side="sell"))["price"], 150.0)
        self.assertEqual([r.type_filling for r in self.sent()], [IOC])

    def test_unsupported_filling_is_retried_once_with_the_next_mode(self):
        result = self.c.call("order_send", market("gold-1", symbol="XAUUSD"))
        self.assertEqual(result["retcode"], 10009)
        self.assertEqual([r.type_filling for r in self.sent()], [FOK, IOC])

    def test_a_second_10030_is_reported_not_retried_again(self):
        self.fake.symbols["XAUUSD"].accepted_fillings = {RETURN}
        error = self.assertError(self.c.request("order_send", market("gold-2", symbol="XAUUSD")), errors.MT5_ERROR,
                                 "Unsupported filling mode")
        self.assertEqual(error["data"]["retcode"], 10030)
        self.assertEqual(len(self.sent()), 2)

    def test_instant_execution_without_flags_uses_return(self):
        self.assertEqual(self.c.call("order_send", market("dax-1", symbol="GER40", volume=0.5))["retcode"], 10009)
        self.assertEqual([r.type_filling for r in self.sent()], [RETURN])

    def test_market_closed_and_no_money_are_mt5_errors_with_retcodes(self):
        closed = self.assertError(self.c.request("order_send", market("spx-1", symbol="US500")), errors.MT5_ERROR,
                                  "Market closed")
        self.assertEqual(closed["data"], {"retcode": 10018, "last_error": [1, "Success"], "comment": "Market closed"})
        broke = self.assertError(self.c.request("order_send", market("big-1", volume=50)), errors.MT5_ERROR)
        self.assertEqual(broke["data"]["retcode"], 10019)
        self.assertEqual(self.c.call("positions"), [])

    def test_volume_is_checked_against_the_symbol(self):
        self.assertError(self.c.request("order_send", market("v-1", volume=0.015)), errors.INVALID_PARAMS,
                         "not a multiple of volume_step 0.01")
        self.assertError(self.c.request("order_send", market("v-2", volume=500)), errors.INVALID_PARAMS,
                         "outside [0.01, 100]")
        self.assertEqual(self.sent(), [])

    def test_the_same_client_order_id_places_one_order(self):
        first = self.c.call("order_send", market("idem-1"))
        again = self.c.call("order_send", market("idem-1"))
        self.assertEqual((again["duplicate"], again["order"], again["retcode"], again["client_order_id"]),
                         (True, first["order"], 10009, "idem-1"))
        self.assertEqual(len(self.sent()), 1)
        self.assertEqual(len(self.c.call("positions")), 1)

    def test_idempotency_survives_the_position_being_closed(self):
        first = self.c.call("order_send", market("idem-2"))
        ticket = self.c.call("positions")[0]["ticket"]
        self.c.call("position_close", {"ticket": ticket, "client_order_id": "close-2"})
        again = self.c.call("order_send", market("idem-2"))
        self.assertTrue(again["duplicate"])
        self.assertEqual((again["order"], again["deal"]), (first["order"], first["deal"]))
        self.assertEqual(self.c.call("positions"), [])

    def test_a_pending_order_is_found_by_its_client_id(self):
        placed = self.c.call("order_send", {"client_order_id": "lim-1", "symbol": "EURUSD", "side": "buy",
                                            "type": "limit", "volume": 0.2, "price": 1.08})
        self.assertEqual(placed["retcode"], 10008)
        self.assertEqual(self.sent()[-1].type_filling, RETURN)
        again = self.c.call("order_send", {"client_order_id": "lim-1", "symbol": "EURUSD", "side": "buy",
                                           "type": "limit", "volume": 0.2, "price": 1.08})
        self.assertEqual((again["duplicate"], again["retcode"], again["order"]), (True, 10008, placed["order"]))
        found = self.c.call("order_by_client_id", {"client_order_id": "lim-1"})
        self.assertEqual((found["kind"], found["ticket"], found["type"]), ("order", placed["order"], "limit"))
        self.assertIsNone(self.c.call("order_by_client_id", {"client_order_id": "never-sent"}))

    def test_a_stop_on_the_wrong_side_is_invalid_price(self):
        error = self.assertError(self.c.request("order_send", {"client_order_id": "stop-1", "symbol": "EURUSD",
                                                               "side": "buy", "type": "stop", "volume": 0.1,
                                                               "price": 1.0}), errors.MT5_ERROR)
        self.assertEqual(error["data"]["retcode"], 10015)

    def test_modify_a_position_and_a_pending_order(self):
        self.c.call("order_send", market("m-1", sl=1.07))
        position = self.c.call("positions")[0]
        self.assertEqual(self.c.call("order_modify", {"ticket": position["ticket"], "tp": 1.1})["retcode"], 10009)
        self.assertEqual((self.c.call("positions")[0]["sl"], self.c.call("positions")[0]["tp"]), (1.07, 1.1))
        self.assertError(self.c.request("order_modify", {"ticket": position["ticket"], "price": 1.2}),
                         errors.INVALID_PARAMS, "applies to pending orders")
        order = self.c.call("order_send", {"client_order_id": "m-2", "symbol": "EURUSD", "side": "sell",
                                           "type": "limit", "volume": 0.1, "price": 1.09, "tp": 1.05})
        self.c.call("order_modify", {"ticket": order["order"], "price": 1.095})
        pending = self.c.call("orders")[0]
        self.assertEqual((pending["price_open"], pending["tp"]), (1.095, 1.05))
        missing = self.assertError(self.c.request("order_modify", {"ticket": 999, "sl": 1.0}), errors.MT5_ERROR,
                                   "no open position or pending order with ticket 999")
        self.assertEqual(missing["data"]["retcode"], 10013)

    def test_cancel_a_pending_order(self):
        order = self.c.call("order_send", {"client_order_id": "c-1", "symbol": "EURUSD", "side": "buy",
                                           "type": "limit", "volume": 0.1, "price": 1.0})
        self.assertEqual(self.c.call("order_cancel", {"ticket": order["order"]})["retcode"], 10009)
        self.assertEqual(self.c.call("orders"), [])
        self.assertError(self.c.request("order_cancel", {"ticket": order["order"]}), errors.MT5_ERROR,
                         "no pending order")

    def test_close_part_then_all_and_the_close_is_idempotent(self):
        self.c.call("order_send", market("cl-1", volume=0.3))
        ticket = self.c.call("positions")[0]["ticket"]
        part = self.c.call("position_close", {"ticket": ticket, "volume": 0.1, "client_order_id": "cl-1-part"})
        self.assertEqual((part["retcode"], part["volume"], part["price"], part["duplicate"]), (10009, 0.1, 1.085, False))
        self.assertAlmostEqual(self.c.call("positions")[0]["volume"], 0.2)
        self.assertEqual(self.sent()[-1].type, 1, "a buy position closes with a sell")
        again = self.c.call("position_close", {"ticket": ticket, "volume": 0.1, "client_order_id": "cl-1-part"})
        self.assertEqual((again["duplicate"], again["deal"]), (True, part["deal"]))
        self.assertAlmostEqual(self.c.call("positions")[0]["volume"], 0.2)
        self.assertError(self.c.request("position_close", {"ticket": ticket, "volume": 0.5,
                                                           "client_order_id": "cl-1-x"}),
                         errors.INVALID_PARAMS, "exceeds the position's 0.2")
        self.c.call("position_close", {"ticket": ticket, "client_order_id": "cl-1-all"})
        self.assertEqual(self.c.call("positions"), [])
        deal = self.c.call("order_by_client_id", {"client_order_id": "cl-1-all"})
        self.assertEqual((deal["kind"], deal["entry"], deal["side"]), ("deal", "out", "sell"))
        gone = self.assertError(self.c.request("position_close", {"ticket": ticket, "client_order_id": "cl-1-z"}),
                                errors.MT5_ERROR, "no open position")
        self.assertEqual(gone["data"]["retcode"], 10036)
        self.assertGreater(self.c.call("account_info")["balance"], 0)


if __name__ == "__main__":
    unittest.main()
