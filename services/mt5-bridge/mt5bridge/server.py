"""
The TLS server: one newline-delimited stream of signed JSON-RPC requests per connection, answered
in order. Enforces the line size, per-connection rate, connection count and idle timeout; hands
MT5 work to the single worker thread and Strategy Tester runs to their own thread.
"""
import asyncio
import json
import logging
import ssl
import time
from concurrent.futures import ThreadPoolExecutor

from .config import BridgeSettings
from .envelope import NonceCache, verify_envelope
from .errors import (INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, RATE_LIMITED, TESTER_FAILURE,
                     UNAUTHORIZED, RpcError)
from .limits import TokenBucket
from .methods import METHODS
from .rpc import error_line, parse_request, request_id, result_line
from .terminal import Terminal
from .worker import Mt5Worker

log = logging.getLogger("mt5bridge.server")


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


class BridgeServer:
    def __init__(self, settings: BridgeSettings, terminal: Terminal | None = None):
        self.settings = settings
        self.terminal = terminal or Terminal(settings.terminal)
        self.worker = Mt5Worker(settings.max_queue)
        self.tester_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tester")
        self.nonces = NonceCache()
        self.connections = 0
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> tuple[str, int]:
        """Listens; returns the bound (host, port), which tells a caller of --port 0 where it is."""
        s = self.settings
        self._server = await asyncio.start_server(
            self._connection, s.host, s.port, ssl=tls_context(s.cert, s.key), limit=s.max_line_bytes,
            ssl_handshake_timeout=s.handshake_timeout_s)
        host, port = self._server.sockets[0].getsockname()[:2]
        return host, port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        self.worker.close()
        self.tester_pool.shutdown(wait=False, cancel_futures=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if self.connections >= self.settings.max_connections:
            log.warning("connection refused: limit reached", extra={"peer": str(peer)})
            await self._reply(writer, error_line(None, RpcError(
                RATE_LIMITED, f"too many connections (max {self.settings.max_connections})")))
            await self._close(writer)
            return
        self.connections += 1
        bucket = TokenBucket(self.settings.rate_per_s, self.settings.rate_burst)
        try:
            while True:
                try:
                    line = await asyncio.wait_for(reader.readline(), self.settings.idle_timeout_s)
                except asyncio.TimeoutError:
                    log.info("idle connection closed", extra={"peer": str(peer)})
                    break
                except ValueError:  # the line outgrew the stream limit
                    await self._reply(writer, error_line(None, RpcError(
                        INVALID_REQUEST, f"request line longer than {self.settings.max_line_bytes} bytes")))
                    break
                if not line:
                    break
                if not line.strip():
                    continue
                reply, close = await self.handle_line(line, bucket)
                if not await self._reply(writer, reply) or close:
                    break
        except (ConnectionError, ssl.SSLError, OSError) as err:
            log.info("connection dropped", extra={"peer": str(peer), "error": type(err).__name__})
        finally:
            self.connections -= 1
            await self._close(writer)

    async def _reply(self, writer: asyncio.StreamWriter, data: bytes) -> bool:
        try:
            writer.write(data)
            # a client that stops reading must not hold its connection slot forever
            await asyncio.wait_for(writer.drain(), self.settings.idle_timeout_s)
            return True
        except (ConnectionError, ssl.SSLError, OSError, asyncio.TimeoutError):
            return False  # the client left mid-call; its result is dropped, the bridge carries on

    async def _close(self, writer: asyncio.StreamWriter) -> None:
        try:
            writer.close()
            await asyncio.wait_for(writer.wait_closed(), 2)
        except (ConnectionError, ssl.SSLError, OSError, asyncio.TimeoutError):
            pass

    async def handle_line(self, line: bytes, bucket: TokenBucket) -> tuple[bytes, bool]:
        """The response line, and whether to close the connection after it (after a bad signature)."""
        started = time.perf_counter()
        rid, method = None, None
        try:
            if not bucket.take():
                raise RpcError(RATE_LIMITED, f"rate limit: more than {self.settings.rate_per_s:g} requests/s "
                               "on this connection")
            try:
                envelope = json.loads(line)
            except ValueError:
                raise RpcError(PARSE_ERROR, "request line is not valid JSON") from None
            if isinstance(envelope, dict) and isinstance(envelope.get("body"), str):
                rid = request_id(envelope["body"])
            body = verify_envelope(envelope, self.settings.token, self.nonces)
            rid, method, params = parse_request(body)
            entry = METHODS.get(method)
            if entry is None:
                raise RpcError(METHOD_NOT_FOUND, f"unknown method {method[:64]!r}")
            args = entry.parse(params, self.settings)
            result = await self._run(entry, args)
            reply, code, close = result_line(rid, result), 0, False
            if len(reply) > self.settings.max_line_bytes:  # responses obey the line limit too
                raise RpcError(INVALID_PARAMS, f"{method}: the result is {len(reply)} bytes, over the "
                               f"{self.settings.max_line_bytes}-byte line limit; ask for less")
        except RpcError as err:
            reply, code, close = error_line(rid, err), err.code, err.code == UNAUTHORIZED
        except Exception:  # noqa: BLE001 - logged here, masked for the client
            log.exception("internal error", extra={"method": method})
            reply, code, close = error_line(rid, RpcError(INTERNAL_ERROR, "internal error")), INTERNAL_ERROR, False
        log.info("request", extra={"method": method, "id": rid, "code": code,
                                   "ms": round((time.perf_counter() - started) * 1000, 3)})
        return reply, close

    async def _run(self, entry, args):
        s = self.settings
        if entry.kind == "tester":
            loop = asyncio.get_running_loop()
            budget = s.tester.compile_timeout_s + s.tester.run_timeout_s + 30
            future = loop.run_in_executor(self.tester_pool, entry.run, self.terminal, args, s)
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
            try:
                return await asyncio.wait_for(asyncio.shield(future), budget)
            except asyncio.TimeoutError:
                raise RpcError(TESTER_FAILURE, f"tester run exceeded {budget:g} s",
                               {"stage": "run", "reason": "timeout", "log": ""}) from None
        return await self.worker.call(entry.run, self.terminal, args, s, timeout_s=s.call_timeout_s)
