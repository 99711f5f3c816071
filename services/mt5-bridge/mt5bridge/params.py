"""Reading a method's named params strictly: every field checked, unknown fields refused, errors name the field."""
import math
import re

from .errors import invalid_params

_SYMBOL = re.compile(r"[A-Za-z0-9_.#+\-!$&@]{1,32}")
CLIENT_ORDER_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,31}")
_MISSING = object()


class Params:
    def __init__(self, method: str, params: dict):
        self.method = method
        self.params = params
        self.read: set[str] = set()

    def _get(self, name: str, required: bool):
        self.read.add(name)
        value = self.params.get(name, _MISSING)
        if value is None:
            value = _MISSING  # null means "not given", as in the TypeScript client's optional fields
        if value is _MISSING and required:
            raise invalid_params(f"{self.method}: params.{name} is required")
        return value

    def done(self) -> None:
        """Refuse fields the method does not know, so a typo never silently becomes a default."""
        extra = sorted(set(self.params) - self.read)
        if extra:
            raise invalid_params(f"{self.method}: unknown params field(s): {', '.join(extra)}")

    def symbol(self, required: bool = True):
        value = self._get("symbol", required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not _SYMBOL.fullmatch(value):
            raise invalid_params(f"{self.method}: params.symbol must be 1-32 characters of A-Z a-z 0-9 _ . # + - ! $ & @")
        return value

    def client_order_id(self, required: bool = True):
        value = self._get("client_order_id", required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not CLIENT_ORDER_ID.fullmatch(value):
            raise invalid_params(
                f"{self.method}: params.client_order_id must be 1-31 characters of A-Z a-z 0-9 _ . : - "
                "(it is stored in the MT5 order comment)")
        return value

    def number(self, name: str, required: bool = False, minimum: float | None = None, exclusive_min: bool = False,
               maximum: float | None = None):
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise invalid_params(f"{self.method}: params.{name} must be a finite number")
        if minimum is not None and (value <= minimum if exclusive_min else value < minimum):
            raise invalid_params(f"{self.method}: params.{name} must be {'>' if exclusive_min else '>='} {minimum}")
        if maximum is not None and value > maximum:
            raise invalid_params(f"{self.method}: params.{name} must be <= {maximum}")
        return float(value)

    def integer(self, name: str, required: bool = False, minimum: int = 0, maximum: int = 2**63 - 1):
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise invalid_params(f"{self.method}: params.{name} must be an integer in [{minimum}, {maximum}]")
        return value

    def choice(self, name: str, choices: tuple, required: bool = True, default=None):
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if value not in choices:
            raise invalid_params(f"{self.method}: params.{name} must be one of {', '.join(map(str, choices))}")
        return value

    def string(self, name: str, required: bool = True, max_length: int = 256, pattern: re.Pattern | None = None,
               hint: str = ""):
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not 0 < len(value) <= max_length or (pattern and not pattern.fullmatch(value)):
            raise invalid_params(f"{self.method}: params.{name} must be a string of 1-{max_length} characters{hint}")
        return value

    def mapping(self, name: str, required: bool = False) -> dict:
        value = self._get(name, required)
        if value is _MISSING:
            return {}
        if not isinstance(value, dict):
            raise invalid_params(f"{self.method}: params.{name} must be an object")
        return value
