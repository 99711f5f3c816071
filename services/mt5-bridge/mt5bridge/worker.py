"""
One thread runs every MT5 call, in order: the MetaTrader5 package is not thread-safe. A handler
that makes several calls (look up, then send) runs whole on this thread, so it is atomic with
respect to other requests. The queue is bounded; a call that outlives its timeout keeps running
(MT5 calls cannot be interrupted) but its caller is answered at once.
"""
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from .errors import RATE_LIMITED, TERMINAL_NOT_CONNECTED, RpcError


class Mt5Worker:
    def __init__(self, max_queue: int = 64):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mt5")
        self._max_queue = max_queue
        self._pending = 0
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        return self._pending

    def _run(self, fn, args):
        try:
            return fn(*args)
        finally:
            with self._lock:
                self._pending -= 1

    async def call(self, fn, *args, timeout_s: float):
        with self._lock:
            if self._pending >= self._max_queue:
                raise RpcError(RATE_LIMITED, f"bridge busy: {self._pending} MT5 calls queued; retry later")
            self._pending += 1
        future = asyncio.get_running_loop().run_in_executor(self._executor, self._run, fn, args)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # an abandoned failure is not "unretrieved"
        try:
            # shield: a timed-out or abandoned call still finishes on the worker, and its result is dropped
            return await asyncio.wait_for(asyncio.shield(future), timeout_s)
        except asyncio.TimeoutError:
            raise RpcError(TERMINAL_NOT_CONNECTED, f"MT5 call timed out after {timeout_s:g} s; the terminal is not "
                           "answering (retry an order with the same client_order_id: it is idempotent)",
                           {"reason": "timeout"}) from None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
