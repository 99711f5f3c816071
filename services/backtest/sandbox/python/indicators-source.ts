/**
 * The `quantmind` module Python strategies import, as source executed inside the sandbox.
 * Same helpers and definitions as the JavaScript ones (NaN until a window is full or while it
 * holds a NaN; EMA seeded with an SMA; Wilder's RSI and ATR; population standard deviation in
 * Bollinger bands). With numpy (`_np` is set by the runner) they take and return float64
 * arrays and the windowed ones are vectorised; without it they work on sequences of floats
 * and return `array('d')`. All O(n).
 */
export const PY_INDICATORS_SOURCE = String.raw`
import math
from array import array

__all__ = ["sma", "ema", "rsi", "atr", "bollinger", "crossover"]
_nan = math.nan

def _period(n, name):
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError("%s: period must be an integer >= 1, got %r" % (name, n))
    return n

def _new(length):
    return _np.full(length, _np.nan) if _np is not None else array("d", [_nan]) * length

def _col(x):
    return _np.asarray(x, dtype=_np.float64) if _np is not None else x

def _rolling(x, n, power):
    """Windowed sums of x**power, NaN where the window is short or holds a NaN (numpy).
    Fresh memory is the cost here (a page fault per 4 KiB), so the common case without NaN
    skips the masks, and the sums are written into their final arrays (out=)."""
    bad = _np.isnan(x)
    has_bad = bool(bad.any())
    v = _np.where(bad, 0.0, x) if has_bad else x
    if power == 2:
        v = v * v
    c = _np.empty(len(x) + 1)
    c[0] = 0.0
    _np.cumsum(v, out=c[1:])
    out = _np.empty(len(x))
    out[:n - 1] = _np.nan
    if len(x) >= n:
        s = out[n - 1:]
        _np.subtract(c[n:], c[:-n], out=s)
        if has_bad:
            k = _np.concatenate(([0], _np.cumsum(bad)))
            s[(k[n:] - k[:-n]) > 0] = _np.nan
    return out

def sma(x, n):
    """Simple moving average over n bars."""
    n = _period(n, "sma"); x = _col(x)
    if _np is not None:
        out = _rolling(x, n, 1)
        out /= n
        return out
    out = _new(len(x)); s = 0.0; nans = 0
    for i in range(len(x)):
        v = x[i]
        if v != v: nans += 1
        else: s += v
        if i >= n:
            o = x[i - n]
            if o != o: nans -= 1
            else: s -= o
        if i >= n - 1 and nans == 0:
            out[i] = s / n
    return out

def ema(x, n):
    """Exponential moving average, alpha = 2 / (n + 1), seeded with the SMA of its first n values."""
    n = _period(n, "ema"); x = _col(x)
    out = _new(len(x)); a = 2.0 / (n + 1)
    start = 0
    while start < len(x) and x[start] != x[start]:
        start += 1
    if start + n > len(x):
        return out
    prev = sum(float(v) for v in x[start:start + n]) / n
    out[start + n - 1] = prev
    xs = x.tolist() if _np is not None else x
    for i in range(start + n, len(x)):
        prev = prev + a * (xs[i] - prev)
        out[i] = prev
    return out

def rsi(x, n=14):
    """Wilder's relative strength index (0..100); NaN for the first n bars."""
    n = _period(n, "rsi"); x = _col(x)
    out = _new(len(x))
    if len(x) <= n:
        return out
    xs = x.tolist() if _np is not None else x
    gain = loss = 0.0
    for i in range(1, n + 1):
        d = xs[i] - xs[i - 1]
        if d > 0: gain += d
        else: loss -= d
    gain /= n; loss /= n
    def value():
        if loss == 0:
            return 50.0 if gain == 0 else 100.0
        return 100.0 - 100.0 / (1.0 + gain / loss)
    out[n] = value()
    for i in range(n + 1, len(xs)):
        d = xs[i] - xs[i - 1]
        gain = (gain * (n - 1) + (d if d > 0 else 0.0)) / n
        loss = (loss * (n - 1) + (-d if d < 0 else 0.0)) / n
        out[i] = value()
    return out

def atr(high, low, close, n=14):
    """Wilder's average true range; NaN for the first n - 1 bars."""
    n = _period(n, "atr"); high, low, close = _col(high), _col(low), _col(close)
    length = len(close)
    if len(high) != length or len(low) != length:
        raise ValueError("atr: high, low and close must have the same length")
    out = _new(length)
    if length < n:
        return out
    h = high.tolist() if _np is not None else high
    l = low.tolist() if _np is not None else low
    c = close.tolist() if _np is not None else close
    s = 0.0; prev = 0.0
    for i in range(length):
        tr = h[0] - l[0] if i == 0 else max(h[i] - l[i], abs(h[i] - c[i - 1]), abs(l[i] - c[i - 1]))
        if i < n:
            s += tr
            if i == n - 1:
                prev = s / n; out[i] = prev
        else:
            prev = (prev * (n - 1) + tr) / n; out[i] = prev
    return out

def bollinger(x, n=20, k=2.0):
    """Bollinger bands: dict of middle (SMA), upper and lower (middle +- k population std devs)."""
    n = _period(n, "bollinger"); x = _col(x)
    if _np is not None:
        m = _rolling(x, n, 1) / n
        sd = _np.sqrt(_np.maximum(0.0, _rolling(x, n, 2) / n - m * m))
        return {"middle": m, "upper": m + k * sd, "lower": m - k * sd}
    m = sma(x, n); upper = _new(len(x)); lower = _new(len(x))
    sq = 0.0
    for i in range(len(x)):
        v = x[i]
        if v == v: sq += v * v
        if i >= n:
            o = x[i - n]
            if o == o: sq -= o * o
        if m[i] == m[i]:
            sd = math.sqrt(max(0.0, sq / n - m[i] * m[i]))
            upper[i] = m[i] + k * sd; lower[i] = m[i] - k * sd
    return {"middle": m, "upper": upper, "lower": lower}

def crossover(a, b):
    """1.0 where a crosses above b at bar t (a[t] > b[t] and a[t-1] <= b[t-1]), else 0.0; b may be a number."""
    a = _col(a)
    scalar = isinstance(b, (int, float))
    if not scalar:
        b = _col(b)
        if len(b) != len(a):
            raise ValueError("crossover: both series must have the same length")
    if _np is not None:
        out = _np.zeros(len(a))
        if len(a) > 1:
            b1 = b if scalar else b[1:]
            b0 = b if scalar else b[:-1]
            out[1:] = ((a[1:] > b1) & (a[:-1] <= b0)).astype(_np.float64)
        return out
    out = array("d", bytes(8 * len(a)))
    for i in range(1, len(a)):
        b0 = b if scalar else b[i - 1]
        b1 = b if scalar else b[i]
        if a[i] > b1 and a[i - 1] <= b0:
            out[i] = 1.0
    return out
`;
