"""
Test support: a self-signed certificate, a bridge running in-process on loopback against the fake
MetaTrader5 module, and a small independent client that signs requests as the protocol says.
"""
import asyncio
import dataclasses
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

import fake_metatrader5
from mt5bridge.config import BridgeSettings
from mt5bridge.server import BridgeServer
from mt5bridge.terminal import Terminal, TerminalSettings

TOKEN = b"test-token-0123456789abcdef0123456789abcdef"
HERE = os.path.dirname(os.path.abspath(__file__))


def make_cert(directory: str) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        raise unittest.SkipTest("openssl is needed to make a test certificate: install it")
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", "/CN=mt5-bridge", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


def der_fingerprint(cert_path: str) -> str:
    with open(cert_path, encoding="ascii") as handle:
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(handle.read())).hexdigest()


def envelope(body: str, token: bytes = TOKEN, ts: int | None = None, nonce: str | None = None) -> dict:
    ts = int(time.time() * 1000) if ts is None else ts
    nonce = secrets.token_hex(16) if nonce is None else nonce
    sig = hmac.new(token, f"{ts}\n{nonce}\n{body}".encode(), hashlib.sha256).hexdigest()
    return {"v": 1, "ts": ts, "nonce": nonce, "sig": sig, "body": body}


class Client:
    """Pins the certificate by its DER SHA-256 like the TypeScript client, then speaks line JSON."""

    def __init__(self, port: int, fingerprint: str, token: bytes = TOKEN, timeout: float = 10):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # trust comes from the pin below, not from a CA
        self.sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=timeout))
        if hashlib.sha256(self.sock.getpeercert(binary_form=True)).hexdigest() != fingerprint:
            raise AssertionError("certificate fingerprint mismatch")
        self.file = self.sock.makefile("rwb")
        self.token = token
        self.next_id = 0

    def send_line(self, data: bytes) -> None:
        self.file.write(data)
        self.file.flush()

    def read(self):
        line = self.file.readline()
        return json.loads(line) if line else None

    def request(self, method: str, params=None, **sign) -> dict:
        self.next_id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}})
        self.send_line((json.dumps(envelope(body, sign.pop("token", self.token), **sign)) + "\n").encode())
        return self.read()

    def call(self, method: str, params=None):
        """The result, or AssertionError with the error object."""
        reply = self.request(method, params)
        if "error" in reply:
            raise AssertionError(f"{method} failed: {reply['error']}")
        return reply["result"]

    def close(self) -> None:
        for closable in (self.file, self.sock):
            try:
                closable.close()
            except OSError:
                pass


async def _cancel_tasks():
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class BridgeTestCase(unittest.TestCase):
    """A fresh fake terminal and a bridge on a free loopback port per test; override `settings_overrides`."""

    settings_overrides: dict = {}
    fake_overrides: dict = {}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mt5-bridge-test-")
        cls.cert, cls.key = make_cert(cls.tmp)
        cls.fingerprint = der_fingerprint(cls.cert)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.fake = fake_metatrader5._reset(**self.fake_overrides)
        settings = BridgeSettings(host="127.0.0.1", port=0, cert=self.cert, key=self.key, token=TOKEN,
                                  terminal=TerminalSettings(fake=True, reconnect_interval_s=0))
        self.settings = dataclasses.replace(settings, **self.settings_overrides)
        self.server = BridgeServer(self.settings, Terminal(self.settings.terminal, module=fake_metatrader5))
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            self.port = self.loop.run_until_complete(self.server.start())[1]
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        started.wait(10)
        self.clients = []

    def tearDown(self):
        for client in self.clients:
            client.close()
        asyncio.run_coroutine_threadsafe(self.server.close(), self.loop).result(10)
        asyncio.run_coroutine_threadsafe(_cancel_tasks(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def client(self, **kwargs) -> Client:
        client = Client(self.port, self.fingerprint, **kwargs)
        self.clients.append(client)
        return client

    def assertError(self, reply: dict, code: int, contains: str = "") -> dict:
        self.assertIn("error", reply, f"expected error {code}, got {reply}")
        self.assertEqual(reply["error"]["code"], code, reply["error"])
        self.assertIn(contains, reply["error"]["message"])
        return reply["error"]
