"""JSON-RPC 2.0 framing: the request inside an envelope's body, and the response lines."""
import json
import math

from .errors import INVALID_REQUEST, PARSE_ERROR, RpcError


def request_id(body: str):
    """The id of a body that may not be valid, for error replies; None when there is none."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    rid = parsed.get("id") if isinstance(parsed, dict) else None
    return rid if _valid_id(rid) else None


def _valid_id(rid) -> bool:
    if isinstance(rid, bool):
        return False
    if isinstance(rid, str):
        return len(rid) <= 128
    return isinstance(rid, int) and abs(rid) < 2**53


def parse_request(body: str) -> tuple:
    """(id, method, params) of a JSON-RPC 2.0 request; params is a dict (named params only)."""
    try:
        request = json.loads(body)
    except ValueError as err:
        raise RpcError(PARSE_ERROR, f"body is not valid JSON: {err}") from None
    if not isinstance(request, dict):
        raise RpcError(INVALID_REQUEST, "body must be one JSON-RPC 2.0 request object (batches are not supported)")
    extra = sorted(set(request) - {"jsonrpc", "id", "method", "params"})
    if extra:
        raise RpcError(INVALID_REQUEST, f"unknown request member(s): {', '.join(extra)}")
    if request.get("jsonrpc") != "2.0":
        raise RpcError(INVALID_REQUEST, 'jsonrpc must be "2.0"')
    if "id" not in request or not _valid_id(request["id"]):
        raise RpcError(INVALID_REQUEST, "id must be a string (<= 128 chars) or an integer; notifications are not supported")
    method = request.get("method")
    if not isinstance(method, str) or not method:
        raise RpcError(INVALID_REQUEST, "method must be a non-empty string")
    params = request.get("params", {})
    if not isinstance(params, dict):
        raise RpcError(INVALID_REQUEST, "params must be an object (named parameters)")
    return request["id"], method, params


def _finite(value):
    """NaN and infinities are not JSON: MT5 reports 'no value' as them in places, so they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def result_line(rid, result) -> bytes:
    return _line({"jsonrpc": "2.0", "id": rid, "result": _finite(result)})


def error_line(rid, error: RpcError) -> bytes:
    return _line({"jsonrpc": "2.0", "id": rid, "error": _finite(error.to_json())})


def _line(message: dict) -> bytes:
    return (json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
