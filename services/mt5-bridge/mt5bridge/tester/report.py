"""
The Strategy Tester's report (HTML, or XML Spreadsheet 2003 when Report ends in .xml) as
statistics. Both lay out label/value cell pairs ("Total Net Profit:", "1 234.56"); the terminal
writes them in UTF-16 LE.
"""
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# report label -> (statistic, which number in the value: 0 the first, 1 the one in brackets)
_STATISTICS = {
    "Initial Deposit": [("initial_deposit", 0)],
    "Total Net Profit": [("total_net_profit", 0)],
    "Gross Profit": [("gross_profit", 0)],
    "Gross Loss": [("gross_loss", 0)],
    "Profit Factor": [("profit_factor", 0)],
    "Expected Payoff": [("expected_payoff", 0)],
    "Recovery Factor": [("recovery_factor", 0)],
    "Sharpe Ratio": [("sharpe_ratio", 0)],
    "Balance Drawdown Maximal": [("balance_drawdown_max", 0), ("balance_drawdown_max_pct", 1)],
    "Equity Drawdown Maximal": [("equity_drawdown_max", 0), ("equity_drawdown_max_pct", 1)],
    "Total Trades": [("total_trades", 0)],
    "Total Deals": [("total_deals", 0)],
    "Profit Trades (% of total)": [("profit_trades", 0)],
    "Loss Trades (% of total)": [("loss_trades", 0)],
}
STATISTICS = [name for pairs in _STATISTICS.values() for name, _ in pairs]
_INTEGERS = {"total_trades", "total_deals", "profit_trades", "loss_trades"}


class ReportError(Exception):
    pass


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        return raw.decode("utf-16")
    if len(raw) > 1 and raw[1:2] == b"\x00":  # UTF-16 LE without a BOM
        return raw.decode("utf-16-le")
    return raw.decode("utf-8-sig", errors="replace")


def _xml_rows(text: str) -> list[list[str]]:
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as err:
        raise ReportError(f"the XML report does not parse: {err}") from None
    rows = []
    for row in root.iter():
        if row.tag.rsplit("}", 1)[-1] == "Row":
            rows.append([" ".join("".join(d.itertext()).split()) for d in row.iter() if d.tag.rsplit("}", 1)[-1] == "Data"])
    return rows


def label_values(text: str) -> dict:
    """Every "Label:" cell followed by a value cell, in report order (the first occurrence wins)."""
    if text.lstrip().startswith("<?xml"):
        rows = _xml_rows(text)
    else:
        parser = _Rows()
        parser.feed(text)
        rows = parser.rows
    pairs: dict[str, str] = {}
    for cells in rows:
        for label, value in zip(cells, cells[1:]):
            if label.endswith(":") and value and not value.endswith(":"):
                pairs.setdefault(label[:-1].strip(), value)
    return pairs


def _number(value: str, which: int):
    plain = value.replace("\u00a0", "").replace(" ", "")
    numbers = _NUMBER.findall(plain.split("(", 1)[1] if which == 1 and "(" in plain else plain)
    return float(numbers[0]) if numbers else None


def parse_report(raw: bytes) -> dict:
    pairs = label_values(decode(raw))
    statistics = {name: None for name in STATISTICS}
    for label, targets in _STATISTICS.items():
        if label in pairs:
            for name, which in targets:
                number = _number(pairs[label], which)
                statistics[name] = int(number) if number is not None and name in _INTEGERS else number
    if statistics["total_net_profit"] is None:
        raise ReportError("the report has no Total Net Profit: not a Strategy Tester report")
    return {"statistics": statistics, "report": pairs}
