"""
Request authentication: every line is an envelope whose HMAC-SHA256 signature covers a timestamp,
a nonce and the JSON-RPC body, so a captured request cannot be replayed or altered.
"""
import hashlib
import hmac
import re
import threading
import time
from collections import OrderedDict

from .errors import INVALID_REQUEST, RATE_LIMITED, REPLAYED_OR_STALE, UNAUTHORIZED, RpcError

ENVELOPE_VERSION = 1
MAX_SKEW_MS = 30_000
NONCE_TTL_MS = 60_000
_NONCE = re.compile(r"[0-9a-fA-F]{32}")
_SIG = re.compile(r"[0-9a-fA-F]{64}")
_FIELDS = {"v", "ts", "nonce", "sig", "body"}


def signature(token: bytes, ts: int, nonce: str, body: str) -> str:
    """hex HMAC-SHA256(token, f"{ts}\\n{nonce}\\n{body}") over UTF-8 bytes."""
    message = f"{ts}\n{nonce}\n{body}".encode("utf-8")
    return hmac.new(token, message, hashlib.sha256).hexdigest()


class NonceCache:
    """Nonces seen in the last NONCE_TTL_MS, bounded: when full of live nonces, new requests are refused."""

    def __init__(self, capacity: int = 200_000, ttl_ms: int = NONCE_TTL_MS):
        self.capacity = capacity
        self.ttl_ms = ttl_ms
        self._seen: OrderedDict[str, int] = OrderedDict()  # nonce -> expiry, in insertion (= expiry) order
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def remember(self, nonce: str, now_ms: int) -> None:
        with self._lock:
            while self._seen:
                oldest, expiry = next(iter(self._seen.items()))
                if expiry > now_ms:
                    break
                del self._seen[oldest]
            if nonce in self._seen:
                raise RpcError(REPLAYED_OR_STALE, "nonce already used: the request was replayed")
            if len(self._seen) >= self.capacity:
                raise RpcError(RATE_LIMITED, "too many requests in the replay window; slow down")
            self._seen[nonce] = now_ms + self.ttl_ms


def parse_envelope(envelope) -> tuple[int, str, str, str]:
    """The envelope's (ts, nonce, sig, body), or -32600 naming the field that is wrong."""
    if not isinstance(envelope, dict):
        raise RpcError(INVALID_REQUEST, "a request line must be a JSON object envelope")
    extra = sorted(set(envelope) - _FIELDS)
    if extra:
        raise RpcError(INVALID_REQUEST, f"unknown envelope field(s): {', '.join(extra)}")
    if envelope.get("v") != ENVELOPE_VERSION or isinstance(envelope.get("v"), bool):
        raise RpcError(INVALID_REQUEST, f"envelope field v must be {ENVELOPE_VERSION}")
    ts, nonce, sig, body = (envelope.get(k) for k in ("ts", "nonce", "sig", "body"))
    if not isinstance(ts, int) or isinstance(ts, bool) or ts < 0:
        raise RpcError(INVALID_REQUEST, "envelope field ts must be a non-negative integer (unix ms)")
    if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        raise RpcError(INVALID_REQUEST, "envelope field nonce must be 32 hex digits")
    if not isinstance(sig, str) or not _SIG.fullmatch(sig):
        raise RpcError(INVALID_REQUEST, "envelope field sig must be 64 hex digits")
    if not isinstance(body, str):
        raise RpcError(INVALID_REQUEST, "envelope field body must be a string")
    return ts, nonce, sig.lower(), body


def verify_envelope(envelope, token: bytes, nonces: NonceCache, now_ms: int | None = None) -> str:
    """
    The authenticated body. Order matters: the signature first (a wrong token is always -32001),
    then the clock, then the nonce, which is remembered only once the signature is good so
    unauthenticated peers cannot fill the cache.
    """
    ts, nonce, sig, body = parse_envelope(envelope)
    if not hmac.compare_digest(signature(token, ts, nonce, body), sig):
        raise RpcError(UNAUTHORIZED, "bad signature: wrong token or altered request")
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if abs(now_ms - ts) > MAX_SKEW_MS:
        raise RpcError(REPLAYED_OR_STALE, f"timestamp is {abs(now_ms - ts)} ms off the bridge clock (max {MAX_SKEW_MS})")
    nonces.remember(nonce, now_ms)
    return body
