"""The bridge's JSON-RPC error codes (docs/mt5-bridge-protocol.md) and the one exception that carries them."""

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
UNAUTHORIZED = -32001
REPLAYED_OR_STALE = -32002
RATE_LIMITED = -32003
MT5_ERROR = -32010
TERMINAL_NOT_CONNECTED = -32011
TESTER_FAILURE = -32012


class RpcError(Exception):
    """An error the client sees as a JSON-RPC error object; `data` must be JSON-serialisable."""

    def __init__(self, code: int, message: str, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


def invalid_params(message: str) -> RpcError:
    return RpcError(INVALID_PARAMS, message)


def mt5_error(message: str, retcode=None, last_error=None, comment: str = "") -> RpcError:
    """A failure reported by the terminal or trade server, with what MT5 said."""
    return RpcError(MT5_ERROR, message, {
        "retcode": retcode,
        "last_error": list(last_error) if last_error is not None else None,
        "comment": comment,
    })
