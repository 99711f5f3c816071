"""Authentication over a real TLS socket: good token, wrong token, replay, stale and future timestamps."""
import json
import time
import unittest

from mt5bridge import errors

from .support import BridgeTestCase, envelope


class AuthTest(BridgeTestCase):
    def test_a_signed_request_is_answered(self):
        reply = self.client().request("health")
        self.assertEqual(reply["jsonrpc"], "2.0")
        self.assertEqual(reply["id"], 1)
        self.assertTrue(reply["result"]["ok"])

    def test_a_wrong_token_is_unauthorized_and_the_connection_closed(self):
        client = self.client(token=b"not-the-token-not-the-token-not-the-token")
        error = self.assertError(client.request("account_info"), errors.UNAUTHORIZED, "bad signature")
        self.assertNotIn("data", error)
        self.assertIsNone(client.read(), "the bridge closes the connection after a bad signature")
        self.assertNotIn("order_send", self.fake.calls)

    def test_the_reply_to_an_unauthorized_request_keeps_its_id(self):
        client = self.client(token=b"z" * 40)
        self.assertEqual(client.request("health")["id"], 1)

    def test_a_replayed_line_is_refused_and_not_executed_twice(self):
        client = self.client()
        body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "order_send", "params": {
            "client_order_id": "replay-1", "symbol": "EURUSD", "side": "buy", "type": "market", "volume": 0.1}})
        line = (json.dumps(envelope(body)) + "\n").encode()
        client.send_line(line)
        self.assertEqual(client.read()["result"]["retcode"], 10009)
        client.send_line(line)
        self.assertError(client.read(), errors.REPLAYED_OR_STALE, "replayed")
        # from another connection too: the nonce cache is the bridge's, not the connection's
        other = self.client()
        other.send_line(line)
        self.assertError(other.read(), errors.REPLAYED_OR_STALE)
        self.assertEqual(self.fake.calls.count("order_send"), 1)
        self.assertEqual(client.call("health")["ok"], True, "a replay does not close the connection")

    def test_stale_and_future_timestamps_are_refused(self):
        client = self.client()
        now = int(time.time() * 1000)
        self.assertError(client.request("health", ts=now - 31_000), errors.REPLAYED_OR_STALE, "off the bridge clock")
        self.assertError(client.request("health", ts=now + 31_000), errors.REPLAYED_OR_STALE)
        self.assertTrue(client.request("health", ts=now - 20_000)["result"]["ok"])

    def test_garbage_lines_get_parse_and_shape_errors(self):
        client = self.client()
        client.send_line(b"not json\n")
        self.assertError(client.read(), errors.PARSE_ERROR)
        client.send_line(b'{"v":1}\n')
        self.assertError(client.read(), errors.INVALID_REQUEST, "ts")
        client.send_line((json.dumps(envelope("{oops")) + "\n").encode())
        reply = client.read()
        self.assertError(reply, errors.PARSE_ERROR, "body")
        self.assertIsNone(reply["id"])
        client.send_line((json.dumps(envelope('[{"jsonrpc":"2.0","id":1,"method":"health"}]')) + "\n").encode())
        self.assertError(client.read(), errors.INVALID_REQUEST, "batches")
        client.send_line((json.dumps(envelope('{"jsonrpc":"2.0","method":"health"}')) + "\n").encode())
        self.assertError(client.read(), errors.INVALID_REQUEST, "notifications")
        self.assertError(client.request("no_such_method"), errors.METHOD_NOT_FOUND, "no_such_method")
        self.assertTrue(client.call("health")["ok"])

    def test_tls_1_2_is_the_floor(self):
        import socket
        import ssl

        from mt5bridge.server import tls_context
        self.assertEqual(tls_context(self.cert, self.key).minimum_version, ssl.TLSVersion.TLSv1_2)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            with context.wrap_socket(raw) as tls:
                self.assertEqual(tls.version(), "TLSv1.2")

if __name__ == "__main__":
    unittest.main()
