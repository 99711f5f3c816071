"""Every read method over the socket against the fake terminal, and their params checking."""
import dataclasses
import time
import unittest

from mt5bridge import errors

from .support import BridgeTestCase


class MethodsTest(BridgeTestCase):
    def setUp(self):
        super().setUp()
        self.c = self.client()

    def test_health(self):
        result = self.c.call("health")
        self.assertEqual(set(result), {"ok", "terminal_connected", "version", "server_time_ms"})
        self.assertTrue(result["terminal_connected"])
        self.assertLess(abs(result["server_time_ms"] - time.time() * 1000), 5000)

    def test_account_info(self):
        self.assertEqual(self.c.call("account_info"), {
            "login": 5001234, "server": "QuantMind-Demo", "currency": "USD", "balance": 10000.0, "equity": 10000.0,
            "margin": 0.0, "margin_free": 10000.0, "leverage": 100, "trade_allowed": True})

    def test_symbol_info_reports_detected_filling_modes(self):
        eurusd = self.c.call("symbol_info", {"symbol": "EURUSD"})
        self.assertEqual(eurusd, {
            "symbol": "EURUSD", "digits": 5, "point": 1e-05, "volume_min": 0.01, "volume_max": 100.0,
            "volume_step": 0.01, "contract_size": 100000, "filling_modes": ["fok", "ioc"], "trade_mode": "full",
            "bid": 1.085, "ask": 1.0851})
        self.assertEqual(self.c.call("symbol_info", {"symbol": "USDJPY"})["filling_modes"], ["ioc"])
        self.assertEqual(self.c.call("symbol_info", {"symbol": "GER40"})["filling_modes"], ["return"])

    def test_unknown_symbol_is_an_mt5_error_with_last_error(self):
        error = self.assertError(self.c.request("symbol_info", {"symbol": "NOPE"}), errors.MT5_ERROR, "symbol_info")
        self.assertEqual(error["data"], {"retcode": None, "last_error": [-4, "Terminal: Not found"], "comment": ""})

    def test_tick_selects_a_symbol_outside_market_watch(self):
        tick = self.c.call("tick", {"symbol": "GER40"})
        self.assertEqual((tick["symbol"], tick["bid"], tick["ask"], tick["last"], tick["volume"]),
                         ("GER40", 18000.0, 18001.0, 0.0, 0))
        self.assertLess(abs(tick["time_ms"] - time.time() * 1000), 5000)
        self.assertIn("symbol_select", self.fake.calls)

    def test_positions_and_orders_filter_by_symbol(self):
        self.c.call("order_send", {"client_order_id": "p1", "symbol": "EURUSD", "side": "buy", "type": "market",
                                   "volume": 0.1})
        self.c.call("order_send", {"client_order_id": "p2", "symbol": "USDJPY", "side": "sell", "type": "market",
                                   "volume": 0.2, "magic": 42})
        self.c.call("order_send", {"client_order_id": "o1", "symbol": "EURUSD", "side": "buy", "type": "limit",
                                   "volume": 0.1, "price": 1.08, "sl": 1.07, "tp": 1.1})
        positions = self.c.call("positions")
        self.assertEqual([p["symbol"] for p in positions], ["EURUSD", "USDJPY"])
        jpy = self.c.call("positions", {"symbol": "USDJPY"})
        self.assertEqual(len(jpy), 1)
        self.assertEqual({k: jpy[0][k] for k in ("side", "volume", "price_open", "comment", "magic")},
                         {"side": "sell", "volume": 0.2, "price_open": 150.0, "comment": "p2", "magic": 42})
        self.assertEqual(set(jpy[0]), {"ticket", "symbol", "side", "volume", "price_open", "sl", "tp", "profit",
                                       "comment", "magic", "time_ms"})
        orders = self.c.call("orders", {"symbol": "EURUSD"})
        self.assertEqual([(o["side"], o["type"], o["price_open"], o["sl"], o["tp"], o["comment"]) for o in orders],
                         [("buy", "limit", 1.08, 1.07, 1.1, "o1")])
        self.assertEqual(self.c.call("orders", {"symbol": "USDJPY"}), [])

    def test_history_rates_is_columnar_and_bounded(self):
        start = 1_700_000_000_000
        rates = self.c.call("history_rates", {"symbol": "EURUSD", "timeframe_minutes": 60, "start_ms": start,
                                              "end_ms": start + 10 * 3_600_000})
        self.assertEqual(set(rates), {"time_ms", "open", "high", "low", "close", "volume"})
        self.assertEqual(len(rates["time_ms"]), 10)
        self.assertTrue(all(t % 3_600_000 == 0 and start <= t for t in rates["time_ms"]))
        for i in range(10):
            self.assertLessEqual(rates["low"][i], min(rates["open"][i], rates["close"][i]))
            self.assertGreaterEqual(rates["high"][i], max(rates["open"][i], rates["close"][i]))
        too_many = self.c.request("history_rates", {"symbol": "EURUSD", "timeframe_minutes": 1, "start_ms": 0,
                                                    "end_ms": start})
        self.assertError(too_many, errors.INVALID_PARAMS, "shorter range")
        self.assertEqual(self.fake.calls.count("copy_rates_range"), 1, "refused before any MT5 call")

    def test_history_rates_from_plain_tuples(self):
        self.fake.structured_rates = False  # the package without numpy-typed results
        start = 1_700_000_000_000
        rates = self.c.call("history_rates", {"symbol": "USDJPY", "timeframe_minutes": 1440, "start_ms": start,
                                              "end_ms": start + 3 * 86_400_000})
        self.assertEqual(len(rates["close"]), 3)
        self.assertIsInstance(rates["volume"][0], int)

    def test_params_are_checked_strictly(self):
        cases = [
            ("symbol_info", {}, "params.symbol is required"),
            ("symbol_info", {"symbol": "EUR USD"}, "params.symbol must be"),
            ("symbol_info", {"symbol": "EURUSD", "extra": 1}, "unknown params field(s): extra"),
            ("account_info", {"login": 1}, "unknown params field(s): login"),
            ("history_rates", {"symbol": "EURUSD", "timeframe_minutes": 7, "start_ms": 0, "end_ms": 1},
             "timeframe_minutes must be one of"),
            ("history_rates", {"symbol": "EURUSD", "timeframe_minutes": 60, "start_ms": 10, "end_ms": 10},
             "end_ms must be after start_ms"),
            ("history_rates", {"symbol": "EURUSD", "timeframe_minutes": 60, "start_ms": "0", "end_ms": 10},
             "params.start_ms must be an integer"),
            ("order_by_client_id", {"client_order_id": "x" * 32}, "1-31 characters"),
            ("order_send", {"client_order_id": "a", "symbol": "EURUSD", "side": "long", "type": "market",
                            "volume": 1}, "params.side must be one of buy, sell"),
            ("order_send", {"client_order_id": "a", "symbol": "EURUSD", "side": "buy", "type": "limit",
                            "volume": 1}, "params.price is required for a limit order"),
            ("order_send", {"client_order_id": "a", "symbol": "EURUSD", "side": "buy", "type": "market",
                            "volume": -1}, "params.volume must be > 0"),
            ("order_send", {"client_order_id": "a", "symbol": "EURUSD", "side": "buy", "type": "market",
                            "volume": True}, "params.volume must be a finite number"),
            ("order_cancel", {"ticket": 0}, "params.ticket must be an integer in [1,"),
            ("position_close", {"ticket": 5}, "params.client_order_id is required"),
        ]
        for method, params, message in cases:
            with self.subTest(method=method, params=params):
                self.assertError(self.c.request(method, params), errors.INVALID_PARAMS, message)
        self.assertNotIn("order_send", self.fake.calls)


class TerminalDownTest(BridgeTestCase):
    def test_calls_fail_with_terminal_not_connected_and_health_still_answers(self):
        # a configured login the trade server refuses: initialize() fails with last_error -6
        self.server.terminal.settings = dataclasses.replace(self.server.terminal.settings, login=5001234,
                                                            password="wrong", server="QuantMind-Demo")
        c = self.client()
        health = c.call("health")
        self.assertEqual((health["ok"], health["terminal_connected"]), (True, False))
        error = self.assertError(c.request("account_info"), errors.TERMINAL_NOT_CONNECTED, "Authorization failed")
        self.assertEqual(error["data"]["last_error"], [-6, "Terminal: Authorization failed"])

    def test_a_terminal_that_drops_is_reconnected_on_the_next_call(self):
        c = self.client()
        self.assertEqual(c.call("account_info")["login"], 5001234)
        self.fake.initialized = False  # the terminal went away: calls return None, last_error -10004
        self.assertError(c.request("account_info"), errors.TERMINAL_NOT_CONNECTED, "No IPC connection")
        self.assertEqual(c.call("account_info")["login"], 5001234, "initialize() again, then the call")


if __name__ == "__main__":
    unittest.main()
