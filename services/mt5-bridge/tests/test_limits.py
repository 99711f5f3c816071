"""Limits and failure paths over the socket: line size, rate, connections, idle and call timeouts, clients that leave."""
import dataclasses
import json
import socket
import threading
import time
import unittest

from mt5bridge import errors

from .support import BridgeTestCase, envelope


def padded_line(size: int) -> bytes:
    """A valid signed health request padded with spaces to exactly `size` bytes before the newline."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "health"})
    line = json.dumps(envelope(body)).encode()
    return line + b" " * (size - len(line)) + b"\n"


class LineSizeTest(BridgeTestCase):
    def test_a_line_of_exactly_1_mib_is_served_and_one_byte_more_is_refused(self):
        client = self.client()
        client.send_line(padded_line(1 << 20))
        self.assertTrue(client.read()["result"]["ok"])
        client.send_line(padded_line((1 << 20) + 1))
        self.assertError(client.read(), errors.INVALID_REQUEST, "longer than 1048576 bytes")
        self.assertIsNone(client.read(), "closed after an oversized line")


class ResponseSizeTest(BridgeTestCase):
    def test_the_largest_history_rates_answer_fits_in_a_line(self):
        client = self.client()
        start = 1_699_999_980_000  # on a minute boundary
        line_bytes = []
        original = client.read

        def read():  # measure the raw line the bridge sent
            raw = client.file.readline()
            line_bytes.append(len(raw))
            return json.loads(raw)

        client.read = read
        rates = client.call("history_rates", {"symbol": "EURUSD", "timeframe_minutes": 1, "start_ms": start,
                                              "end_ms": start + (10_000 - 1) * 60_000})
        client.read = original
        self.assertEqual(len(rates["time_ms"]), 10_000)
        self.assertLess(line_bytes[0], 1 << 20)

    def test_a_result_over_the_line_limit_is_refused_and_the_connection_kept(self):
        self.server.settings = dataclasses.replace(self.server.settings, max_line_bytes=4096)
        client = self.client()
        start = 1_700_000_000_000
        reply = client.request("history_rates", {"symbol": "EURUSD", "timeframe_minutes": 1, "start_ms": start,
                                                 "end_ms": start + 999 * 60_000})
        self.assertError(reply, errors.INVALID_PARAMS, "over the 4096-byte line limit")
        self.assertTrue(client.call("health")["ok"])


class RateLimitTest(BridgeTestCase):
    settings_overrides = {"rate_per_s": 2.0, "rate_burst": 3}

    def test_requests_over_the_rate_are_refused_and_the_connection_kept(self):
        client = self.client()
        replies = [client.request("health") for _ in range(5)]
        self.assertEqual(["result" in r for r in replies[:3]], [True, True, True])
        self.assertError(replies[3], errors.RATE_LIMITED, "rate limit")
        time.sleep(0.6)
        self.assertTrue(client.call("health")["ok"])
        self.assertTrue(self.client().call("health")["ok"], "the limit is per connection")


class ConnectionLimitTest(BridgeTestCase):
    settings_overrides = {"max_connections": 2, "idle_timeout_s": 0.5, "handshake_timeout_s": 0.5}

    def test_the_connection_over_the_limit_gets_one_error_line(self):
        first, second = self.client(), self.client()
        first.call("health")
        second.call("health")
        third = self.client()
        self.assertError(third.read(), errors.RATE_LIMITED, "too many connections (max 2)")
        self.assertIsNone(third.read())
        first.close()
        time.sleep(0.2)
        self.assertTrue(self.client().call("health")["ok"], "a slot frees when a client leaves")

    def test_idle_connections_are_closed(self):
        client = self.client()
        client.call("health")
        started = time.monotonic()
        self.assertIsNone(client.read())
        self.assertLess(time.monotonic() - started, 3)

    def test_a_peer_that_never_finishes_the_handshake_is_dropped(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            started = time.monotonic()
            self.assertEqual(raw.recv(1), b"")
            self.assertLess(time.monotonic() - started, 3)


class SlowTerminalTest(BridgeTestCase):
    settings_overrides = {"call_timeout_s": 0.3, "max_queue": 2}

    def test_a_call_that_outlives_its_timeout_fails_and_an_order_retry_is_a_duplicate(self):
        client = self.client()
        client.call("health")
        self.fake.delay_s = 0.15  # the order_send handler makes several calls: well over 0.3 s in all
        order = {"client_order_id": "slow-1", "symbol": "EURUSD", "side": "buy", "type": "market", "volume": 0.1}
        error = self.assertError(client.request("order_send", order), errors.TERMINAL_NOT_CONNECTED, "timed out")
        self.assertEqual(error["data"], {"reason": "timeout"})
        time.sleep(1.0)  # the abandoned call completes in the terminal
        self.fake.delay_s = 0
        again = client.call("order_send", order)
        self.assertTrue(again["duplicate"])
        self.assertEqual(len(self.fake.trade.positions), 1)

    def test_a_client_that_leaves_mid_call_does_not_disturb_the_bridge(self):
        self.fake.delay_s = 0.05
        leaver = self.client()
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "order_send", "params": {
            "client_order_id": "gone-1", "symbol": "EURUSD", "side": "buy", "type": "market", "volume": 0.1}})
        leaver.send_line((json.dumps(envelope(body)) + "\n").encode())
        leaver.close()
        time.sleep(0.8)
        self.fake.delay_s = 0
        other = self.client()
        self.assertEqual([p["comment"] for p in other.call("positions")], ["gone-1"], "the call completed")
        self.assertTrue(other.call("health")["ok"])

    def test_a_full_queue_is_refused(self):
        self.fake.delay_s = 0.1
        clients = [self.client() for _ in range(5)]
        replies = [None] * len(clients)

        def ask(i):
            replies[i] = clients[i].request("account_info")

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(clients))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        codes = [r["error"]["code"] for r in replies if "error" in r]
        self.assertIn(errors.RATE_LIMITED, codes, replies)
        self.assertTrue(any("result" in r for r in replies))


class ConcurrencyTest(BridgeTestCase):
    def test_concurrent_connections_are_served_and_mt5_calls_never_overlap(self):
        clients = [self.client() for _ in range(8)]
        failures = []

        def trade(i):
            try:
                for n in range(10):
                    clients[i].call("order_send", {"client_order_id": f"c{i}-{n}", "symbol": "EURUSD",
                                                   "side": "buy" if n % 2 else "sell", "type": "market",
                                                   "volume": 0.01})
                    clients[i].call("tick", {"symbol": "EURUSD"})
            except AssertionError as err:
                failures.append(err)

        threads = [threading.Thread(target=trade, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(failures, [])
        self.assertEqual(len(self.fake.trade.positions), 80)
        self.assertEqual(self.fake.max_in_call, 1, "the MetaTrader5 package was entered from two threads at once")


if __name__ == "__main__":
    unittest.main()
