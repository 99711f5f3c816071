"""The envelope check on its own: signature, clock window, nonce cache, field validation."""
import json
import unittest

from mt5bridge.envelope import NonceCache, signature, verify_envelope
from mt5bridge.errors import INVALID_REQUEST, RATE_LIMITED, REPLAYED_OR_STALE, UNAUTHORIZED, RpcError

from .support import TOKEN, envelope

NOW = 1_800_000_000_000


class EnvelopeTest(unittest.TestCase):
    def verify(self, env, nonces=None, now=NOW):
        return verify_envelope(env, TOKEN, NonceCache() if nonces is None else nonces, now_ms=now)

    def code_of(self, env, nonces=None, now=NOW) -> int:
        with self.assertRaises(RpcError) as caught:
            self.verify(env, nonces, now)
        return caught.exception.code

    def test_signature_matches_the_documented_vector(self):
        # the same vector is in docs/mt5-bridge-protocol.md for clients in other languages
        body = '{"jsonrpc":"2.0","id":1,"method":"health"}'
        self.assertEqual(signature(b"k" * 32, 1_700_000_000_000, "0123456789abcdef0123456789abcdef", body),
                         "56a19ada57fb499ae6a7f6bf4d2be53f400d834860c5f54a92db3dca81905759")

    def test_good_envelope_returns_the_body(self):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "health"})
        self.assertEqual(self.verify(envelope(body, ts=NOW)), body)

    def test_upper_case_hex_is_accepted(self):
        env = envelope("{}", ts=NOW)
        env["sig"] = env["sig"].upper()
        self.assertEqual(self.verify(env), "{}")

    def test_wrong_token_or_altered_body_is_unauthorized(self):
        self.assertEqual(self.code_of(envelope("{}", token=b"x" * 40, ts=NOW)), UNAUTHORIZED)
        env = envelope('{"a":1}', ts=NOW)
        env["body"] = '{"a":2}'
        self.assertEqual(self.code_of(env), UNAUTHORIZED)
        env = envelope("{}", ts=NOW)
        env["ts"] = NOW + 1  # the timestamp is signed too
        self.assertEqual(self.code_of(env), UNAUTHORIZED)

    def test_clock_window_is_30_seconds_either_way(self):
        self.assertEqual(self.verify(envelope("{}", ts=NOW - 30_000)), "{}")
        self.assertEqual(self.verify(envelope("{}", ts=NOW + 30_000)), "{}")
        self.assertEqual(self.code_of(envelope("{}", ts=NOW - 30_001)), REPLAYED_OR_STALE)
        self.assertEqual(self.code_of(envelope("{}", ts=NOW + 30_001)), REPLAYED_OR_STALE)

    def test_a_nonce_is_refused_the_second_time_and_kept_60_seconds(self):
        nonces = NonceCache()
        env = envelope("{}", ts=NOW)
        self.verify(env, nonces)
        self.assertEqual(self.code_of(env, nonces, now=NOW + 59_999), REPLAYED_OR_STALE)
        self.assertEqual(len(nonces), 1)
        other = envelope("{}", ts=NOW + 60_000)
        self.verify(other, nonces, now=NOW + 60_000)
        self.assertEqual(len(nonces), 1, "the expired nonce is dropped")

    def test_nonces_are_remembered_only_after_a_good_signature(self):
        nonces = NonceCache()
        bad = envelope("{}", token=b"y" * 40, ts=NOW)
        self.code_of(bad, nonces)
        self.assertEqual(len(nonces), 0)

    def test_the_cache_is_bounded(self):
        nonces = NonceCache(capacity=2)
        self.verify(envelope("{}", ts=NOW), nonces)
        self.verify(envelope("{}", ts=NOW), nonces)
        self.assertEqual(self.code_of(envelope("{}", ts=NOW), nonces), RATE_LIMITED)
        self.verify(envelope("{}", ts=NOW + 60_000), nonces, now=NOW + 60_000)

    def test_shape_errors_name_the_field(self):
        good = envelope("{}", ts=NOW)
        cases = {
            "v": {**good, "v": 2}, "ts": {**good, "ts": "1"}, "nonce": {**good, "nonce": "xyz"},
            "sig": {**good, "sig": "00"}, "body": {**good, "body": {"jsonrpc": "2.0"}},
            "unknown envelope field(s): extra": {**good, "extra": 1},
        }
        for field, env in cases.items():
            with self.assertRaises(RpcError) as caught:
                self.verify(env)
            self.assertEqual(caught.exception.code, INVALID_REQUEST)
            self.assertIn(field, caught.exception.message)
        with self.assertRaises(RpcError):
            self.verify([good])
        with self.assertRaises(RpcError):
            self.verify({**good, "ts": True})


if __name__ == "__main__":
    unittest.main()
