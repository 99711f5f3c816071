#!/usr/bin/env python3
"""
The MT5 bridge's entry point: reads settings, starts the TLS server, prints
`listening HOST:PORT` on stdout once it accepts connections, and logs JSON lines on stderr.
Runs on the Windows host next to the MetaTrader 5 terminal; `--fake-mt5` runs it anywhere.
Protocol: docs/mt5-bridge-protocol.md.
"""
import asyncio
import hashlib
import logging
import os
import signal
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mt5bridge.config import ConfigError, load_settings, parse_args  # noqa: E402
from mt5bridge.logsetup import setup_logging  # noqa: E402
from mt5bridge.server import BridgeServer  # noqa: E402

log = logging.getLogger("mt5bridge")


def fingerprint(cert_path: str) -> str:
    """SHA-256 of the certificate's DER form, hex pairs joined by colons (what clients pin)."""
    with open(cert_path, encoding="ascii") as handle:
        der = ssl.PEM_cert_to_DER_cert(handle.read())
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


async def serve(settings) -> None:
    server = BridgeServer(settings)
    host, port = await server.start()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C arrives as KeyboardInterrupt
            pass
    log.info("listening", extra={"address": f"{host}:{port}", "fingerprint": fingerprint(settings.cert)})
    print(f"listening {host}:{port}", flush=True)
    try:
        await stop.wait()
    finally:
        await server.close()
        server.terminal.shutdown()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.print_fingerprint:
        if not args.cert:
            print("bridge: --print-fingerprint needs --cert", file=sys.stderr)
            return 2
        try:
            print(fingerprint(args.cert))
        except (OSError, ValueError) as err:
            print(f"bridge: cannot read certificate {args.cert}: {err}", file=sys.stderr)
            return 2
        return 0
    try:
        settings = load_settings(args)
    except ConfigError as err:
        print(f"bridge: {err}", file=sys.stderr)
        return 2
    try:
        setup_logging([settings.token.decode("utf-8", "replace"), settings.terminal.password or ""], settings.log_file)
    except OSError as err:
        print(f"bridge: cannot open log file {settings.log_file}: {err.strerror}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(settings))
    except KeyboardInterrupt:
        pass
    except (OSError, ssl.SSLError) as err:
        log.error("cannot start", extra={"error": f"{type(err).__name__}: {err}"})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
