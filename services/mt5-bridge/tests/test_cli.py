"""bridge.py as a process: the ready line, refusing to start without a proper token, and logs without secrets."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from .support import TOKEN, Client, der_fingerprint, make_cert

BRIDGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bridge.py")


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp_dir = tempfile.TemporaryDirectory(prefix="mt5-bridge-cli-")
        cls.tmp = cls.tmp_dir.name
        cls.cert, cls.key = make_cert(cls.tmp)
        cls.token_file = cls.write("token", TOKEN.decode() + "\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp_dir.cleanup()

    @classmethod
    def write(cls, name: str, text: str) -> str:
        path = os.path.join(cls.tmp, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def args(self, *extra, token_file=None):
        return [sys.executable, BRIDGE, "--host", "127.0.0.1", "--port", "0", "--cert", self.cert, "--key", self.key,
                "--token-file", token_file or self.token_file, *extra]

    def refused(self, argv) -> str:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertEqual(done.stdout, "")
        return done.stderr

    def test_starts_prints_the_ready_line_serves_and_never_logs_the_token(self):
        log_file = os.path.join(self.tmp, "bridge.log")
        process = subprocess.Popen(self.args("--fake-mt5", "--log-file", log_file), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            ready = process.stdout.readline().strip()
            self.assertRegex(ready, r"^listening 127\.0\.0\.1:\d+$")
            client = Client(int(ready.rsplit(":", 1)[1]), der_fingerprint(self.cert))
            self.assertEqual(client.call("account_info")["login"], 5001234)
            self.assertEqual(client.request("health", token=b"w" * 40)["error"]["code"], -32001)
            client.close()
        finally:
            process.terminate()
            _out, err = process.communicate(timeout=10)
        self.assertEqual(process.returncode, 0, err)
        self.assertNotIn(TOKEN.decode(), err)
        lines = [json.loads(line) for line in err.splitlines()]
        self.assertEqual(lines[0]["msg"], "listening")
        self.assertEqual(lines[0]["fingerprint"].replace(":", "").lower(), der_fingerprint(self.cert))
        requests = [(entry["method"], entry["code"]) for entry in lines if entry["msg"] == "request"]
        self.assertEqual(requests, [("account_info", 0), (None, -32001)], "an unauthenticated body is not trusted")
        with open(log_file, encoding="utf-8") as handle:
            self.assertEqual(handle.read().splitlines(), err.splitlines(), "the log file has the same lines")

    def test_print_fingerprint(self):
        done = subprocess.run([sys.executable, BRIDGE, "--print-fingerprint", "--cert", self.cert],
                              capture_output=True, text=True, timeout=30, check=True)
        self.assertEqual(done.stdout.strip().replace(":", "").lower(), der_fingerprint(self.cert))

    def test_refuses_to_start_without_a_token(self):
        argv = self.args()
        del argv[argv.index("--token-file"):argv.index("--token-file") + 2]
        self.assertIn("no token", self.refused(argv))

    def test_refuses_a_short_token_without_printing_it(self):
        short = self.write("short", "short-secret-value\n")
        stderr = self.refused(self.args(token_file=short))
        self.assertIn("18 bytes; at least 32", stderr)
        self.assertNotIn("short-secret-value", stderr)

    def test_refuses_a_missing_token_file_and_a_missing_cert(self):
        self.assertIn("cannot read token file", self.refused(self.args(token_file=os.path.join(self.tmp, "nope"))))
        argv = self.args()
        argv[argv.index("--cert") + 1] = os.path.join(self.tmp, "absent.pem")
        self.assertIn("cert file", self.refused(argv))

    def test_config_file_keys_are_checked(self):
        unknown = self.write("unknown.json", json.dumps({"max_conections": 3}))
        self.assertIn("unknown key(s) in config top level: max_conections", self.refused(self.args("--config", unknown)))
        literal = self.write("literal.json", json.dumps({"token": TOKEN.decode()}))
        stderr = self.refused(self.args("--config", literal))
        self.assertIn("must not hold the token itself", stderr)
        self.assertNotIn(TOKEN.decode(), stderr)
        nested = self.write("nested.json", json.dumps({"terminal": {"pasword_file": "x"}}))
        self.assertIn("unknown key(s) in config terminal: pasword_file", self.refused(self.args("--config", nested)))


if __name__ == "__main__":
    unittest.main()
