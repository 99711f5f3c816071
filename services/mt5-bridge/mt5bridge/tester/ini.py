"""The Strategy Tester's configuration file (`terminal64.exe /config:<ini>`)."""

# timeframe_minutes -> the tester's Period names
PERIODS = {
    1: "M1", 2: "M2", 3: "M3", 4: "M4", 5: "M5", 6: "M6", 10: "M10", 12: "M12", 15: "M15", 20: "M20", 30: "M30",
    60: "H1", 120: "H2", 180: "H3", 240: "H4", 360: "H6", 480: "H8", 720: "H12", 1440: "D1", 10080: "W1", 43200: "MN1",
}


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def tester_ini(*, expert: str, symbol: str, period: str, from_date: str, to_date: str, deposit: float,
               currency: str, leverage: int, model: int, report: str, inputs: dict) -> str:
    """
    The ini text. Dates are YYYY.MM.DD; `expert` is relative to MQL5/Experts and `report` to the
    data folder. The terminal shuts down when the run ends, which is how the bridge knows it is done.
    Every value was validated before (no line breaks), so no line can inject another key.
    """
    lines = [
        "[Tester]",
        f"Expert={expert}",
        f"Symbol={symbol}",
        f"Period={period}",
        f"Model={model}",
        "Optimization=0",
        f"FromDate={from_date}",
        f"ToDate={to_date}",
        "ForwardMode=0",
        f"Deposit={_value(deposit)}",
        f"Currency={currency}",
        f"Leverage={leverage}",
        f"Report={report}",
        "ReplaceReport=1",
        "ShutdownTerminal=1",
        "",
        "[TesterInputs]",
        *(f"{name}={_value(value)}" for name, value in inputs.items()),
        "",
    ]
    return "\r\n".join(lines)
