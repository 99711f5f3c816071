"""
The MetaTrader5 package behind one object: loaded lazily (the real one or the fake), initialised
and logged in on demand, and its None-plus-last_error() convention turned into RpcErrors.
Only the MT5 worker thread calls into it: the package is not thread-safe.
"""
import importlib
import time
from dataclasses import dataclass

from .errors import TERMINAL_NOT_CONNECTED, RpcError, mt5_error

# last_error() codes that mean the terminal itself is gone, not that the request was wrong
_CONNECTION_ERRORS = {-10000, -10001, -10002, -10003, -10004, -10005}


@dataclass(frozen=True)
class TerminalSettings:
    """How to reach the terminal; all optional (the package then attaches to the running terminal)."""

    fake: bool = False
    path: str | None = None
    login: int | None = None
    password: str | None = None  # secret: from a file, never logged
    server: str | None = None
    init_timeout_ms: int = 60_000
    reconnect_interval_s: float = 5.0


class Terminal:
    def __init__(self, settings: TerminalSettings, module=None):
        self.settings = settings
        self._module = module
        self.connected = False
        self._last_attempt = float("-inf")

    @property
    def mt5(self):
        if self._module is None:
            name = "fake_metatrader5" if self.settings.fake else "MetaTrader5"
            try:
                self._module = importlib.import_module(name)
            except ImportError as err:
                raise RpcError(TERMINAL_NOT_CONNECTED, f"cannot import {name}: {err}") from None
        return self._module

    def connect(self) -> bool:
        """initialize() (with login when configured); False, and the next try waits reconnect_interval_s."""
        s = self.settings
        self._last_attempt = time.monotonic()
        kwargs = {"timeout": s.init_timeout_ms}
        if s.login is not None:
            kwargs.update(login=s.login, password=s.password, server=s.server)
        args = (s.path,) if s.path else ()
        self.connected = bool(self.mt5.initialize(*args, **kwargs))
        return self.connected

    def ensure(self):
        """The module, connected, or -32011."""
        if not self.connected:
            if time.monotonic() - self._last_attempt < self.settings.reconnect_interval_s or not self.connect():
                code, text = self.last_error()
                raise RpcError(TERMINAL_NOT_CONNECTED, f"terminal not connected: {text} ({code})",
                               {"last_error": [code, text]})
        return self.mt5

    def last_error(self) -> tuple:
        try:
            code, text = self.mt5.last_error()
            return int(code), str(text)
        except Exception:  # noqa: BLE001 - a broken package must not hide the original failure
            return (-1, "last_error() unavailable")

    def check(self, value, what: str):
        """value, unless the package returned None (or False): then -32011 or -32010 from last_error()."""
        if value is not None and value is not False:
            return value
        error = self.last_error()
        if error[0] in _CONNECTION_ERRORS:
            self.connected = False
            raise RpcError(TERMINAL_NOT_CONNECTED, f"terminal not connected during {what}: {error[1]} ({error[0]})",
                           {"last_error": list(error)})
        raise mt5_error(f"{what} failed: {error[1]} ({error[0]})", last_error=error)

    def shutdown(self) -> None:
        if self._module is not None and self.connected:
            self._module.shutdown()
            self.connected = False
