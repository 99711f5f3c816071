"""JSON log lines on stderr. Secrets are scrubbed from every line as a second line of defence."""
import json
import logging
import logging.handlers
import sys
import time

_EXTRAS = ("peer", "method", "id", "code", "ms", "error", "fingerprint", "address")


class JsonFormatter(logging.Formatter):
    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
                 "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        entry.update({k: getattr(record, k) for k in _EXTRAS if hasattr(record, k)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        line = json.dumps(entry, default=str)
        for secret in self.secrets:
            line = line.replace(secret, "[redacted]")
        return line


def setup_logging(secrets: list[str], log_file: str | None = None, level: int = logging.INFO) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        # a scheduled task has no console: the file is where the operator looks
        handlers.append(logging.handlers.RotatingFileHandler(log_file, maxBytes=10_000_000, backupCount=5,
                                                             encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(JsonFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level)
