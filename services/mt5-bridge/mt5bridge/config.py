"""
The bridge's settings: an optional JSON config file, overridden by command-line flags. Secrets
(the request token, the MT5 password) come only from files and never appear in logs or repr.
There is no default token: the bridge refuses to start without one of at least 32 bytes.
"""
import argparse
import json
import os
from dataclasses import dataclass, field, fields

from .terminal import TerminalSettings

MIN_TOKEN_BYTES = 32


class ConfigError(Exception):
    """A bad or missing setting; the message names it and never contains a secret."""


@dataclass(frozen=True)
class TesterSettings:
    """The Strategy Tester: a second, portable terminal so tests never disturb the trading terminal."""

    terminal_path: str | None = None  # terminal64.exe of the tester installation
    metaeditor_path: str | None = None  # metaeditor64.exe
    data_dir: str | None = None  # its data folder (holds MQL5/); default: the terminal's folder (portable)
    portable: bool = True
    compile_timeout_s: float = 120.0
    run_timeout_s: float = 900.0
    model: int = 1  # 0 every tick, 1 1-minute OHLC, 2 open prices only, 4 real ticks
    leverage: int = 100
    currency: str = "USD"


@dataclass(frozen=True)
class BridgeSettings:
    host: str
    port: int
    cert: str
    key: str
    token: bytes = field(repr=False)
    terminal: TerminalSettings = field(default_factory=TerminalSettings)
    tester: TesterSettings = field(default_factory=TesterSettings)
    max_line_bytes: int = 1 << 20  # 1 MiB: a longer line is answered -32600 and the connection closed
    max_connections: int = 16
    rate_per_s: float = 50.0  # per connection, token bucket ...
    rate_burst: int = 100  # ... of this depth
    idle_timeout_s: float = 300.0  # a connection that sends nothing for this long is closed
    handshake_timeout_s: float = 10.0
    call_timeout_s: float = 10.0  # one MT5 method call, queueing included
    max_queue: int = 64  # MT5 calls waiting for the worker thread
    max_bars: int = 10_000  # history_rates: keeps the response line well under 1 MiB (about 70 bytes a bar)
    history_lookback_days: int = 30  # how far back idempotency looks for deals carrying a client order id
    default_deviation: int = 20  # points
    default_magic: int = 0
    log_file: str | None = None  # JSON lines here too (rotated at 10 MB, 5 kept), besides stderr


def read_secret(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError as err:
        raise ConfigError(f"cannot read {what} file {path}: {err.strerror}") from None


def load_token(path: str | None) -> bytes:
    if not path:
        raise ConfigError("no token: give --token-file (or token_file in the config file); there is no default")
    token = read_secret(path, "token").encode("utf-8")
    if len(token) < MIN_TOKEN_BYTES:
        raise ConfigError(f"the token in {path} is {len(token)} bytes; at least {MIN_TOKEN_BYTES} are required")
    return token


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bridge.py", description="QuantMind MT5 bridge (JSON-RPC over TLS)")
    parser.add_argument("--config", help="JSON config file (keys as in BridgeSettings; secrets as *_file paths)")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--cert", help="PEM certificate (self-signed; clients pin its SHA-256 fingerprint)")
    parser.add_argument("--key", help="PEM private key")
    parser.add_argument("--token-file", help="file holding the shared request-signing token (>= 32 bytes)")
    parser.add_argument("--log-file", help="also write the JSON log lines to this file (rotated)")
    parser.add_argument("--fake-mt5", action="store_true", help="use the bundled fake MetaTrader5 module")
    parser.add_argument("--print-fingerprint", action="store_true", help="print the certificate's fingerprint and exit")
    return parser.parse_args(argv)


def _section(raw: dict, cls, name: str, secret_files: dict):
    known = {f.name for f in fields(cls)} | set(secret_files)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"unknown key(s) in config {name}: {', '.join(unknown)}")
    values = {k: v for k, v in raw.items() if k not in secret_files}
    for key, target in secret_files.items():
        if raw.get(key):
            values[target] = read_secret(raw[key], f"{name}.{key}")
    try:
        return cls(**values)
    except TypeError as err:
        raise ConfigError(f"config {name}: {err}") from None


def load_settings(args: argparse.Namespace) -> BridgeSettings:
    raw = {}
    if args.config:
        try:
            with open(args.config, encoding="utf-8") as handle:
                raw = json.load(handle)
        except (OSError, ValueError) as err:
            raise ConfigError(f"cannot read config file {args.config}: {err}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"config file {args.config} must hold a JSON object")
    raw = dict(raw)
    terminal_raw = dict(raw.pop("terminal", {}))
    if args.fake_mt5:
        terminal_raw["fake"] = True
    terminal = _section(terminal_raw, TerminalSettings, "terminal", {"password_file": "password"})
    tester = _section(raw.pop("tester", {}), TesterSettings, "tester", {})
    if "token" in raw:
        raise ConfigError("the config file must not hold the token itself: use token_file")
    token_file = args.token_file or raw.get("token_file")
    raw.pop("token_file", None)
    if args.log_file:
        raw["log_file"] = args.log_file
    for flag in ("host", "port", "cert", "key"):
        if getattr(args, flag) is not None:
            raw[flag] = getattr(args, flag)
        if raw.get(flag) in (None, ""):
            raise ConfigError(f"missing setting: --{flag} (or {flag} in the config file)")
    for path_key in ("cert", "key"):
        if not os.path.isfile(raw[path_key]):
            raise ConfigError(f"{path_key} file {raw[path_key]} does not exist")
    raw["token"] = load_token(token_file)
    return _section({**raw, "terminal": terminal, "tester": tester}, BridgeSettings, "top level", {})
