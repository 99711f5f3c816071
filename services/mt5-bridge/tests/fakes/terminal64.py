#!/usr/bin/env python3
"""
A stand-in for a portable terminal64.exe running the Strategy Tester: `/config:<ini> /portable`.
It checks the ini (UTF-16, [Tester] keys the bridge must set, the compiled expert present under
its data folder = its own folder) and writes a UTF-16 HTML report laid out like MT5's, with
figures derived from Deposit and the inputs. FAKE_TERMINAL_MODE: "hang" (never finishes),
"no-report" (exits without one), "garbage" (a report without statistics).
"""
import configparser
import os
import sys
import time

REQUIRED = ["Expert", "Symbol", "Period", "Model", "FromDate", "ToDate", "Deposit", "Currency", "Leverage",
            "Report", "ReplaceReport", "ShutdownTerminal"]


def fail(message: str) -> None:
    print(f"terminal: {message}", file=sys.stderr)
    sys.exit(3)


args = sys.argv[1:]
if len(args) != 2 or not args[0].startswith("/config:") or args[1] != "/portable":
    fail(f"bad arguments {args!r}")
data_dir = os.path.dirname(os.path.abspath(__file__))
ini_path = args[0][len("/config:"):]
with open(ini_path, "rb") as handle:
    raw = handle.read()
if not raw.startswith(b"\xff\xfe"):
    fail("the ini must be UTF-16 LE with a BOM")
ini = configparser.ConfigParser(interpolation=None)
ini.optionxform = str
ini.read_string(raw.decode("utf-16"))
tester = ini["Tester"]
missing = [key for key in REQUIRED if key not in tester]
if missing:
    fail(f"ini lacks {missing}")
if tester["ShutdownTerminal"] != "1":
    fail("ShutdownTerminal must be 1 or the run never ends")
expert = os.path.join(data_dir, "MQL5", "Experts", *tester["Expert"].split("\\"))
if not os.path.isfile(expert):
    fail(f"no compiled expert at {expert}")
mode = os.environ.get("FAKE_TERMINAL_MODE", "ok")
if mode == "hang":
    time.sleep(120)
if mode == "no-report":
    sys.exit(0)
deposit = float(tester["Deposit"])
inputs = dict(ini["TesterInputs"]) if "TesterInputs" in ini else {}
lots = float(inputs.get("Lots", "0.1"))
profit = round(deposit * lots * 0.5, 2)
rows = [
    ("Initial Deposit:", f"{deposit:,.2f}".replace(",", " "), "Period:", f"{tester['Period']} ({tester['FromDate']} - {tester['ToDate']})"),
    ("Total Net Profit:", f"{profit:,.2f}".replace(",", " "), "Balance Drawdown Absolute:", "12.50"),
    ("Gross Profit:", f"{profit * 2:.2f}", "Gross Loss:", f"{-profit:.2f}"),
    ("Profit Factor:", "2.00", "Expected Payoff:", f"{profit / 40:.2f}"),
    ("Recovery Factor:", "3.10", "Sharpe Ratio:", "1.25"),
    ("Balance Drawdown Maximal:", "161.29 (1.58%)", "Equity Drawdown Maximal:", "180.00 (1.76%)"),
    ("Total Trades:", "40", "Total Deals:", "80"),
    ("Profit Trades (% of total):", "24 (60.00%)", "Loss Trades (% of total):", "16 (40.00%)"),
]
if mode == "garbage":
    rows = [("Nothing:", "here", "Else:", "0")]
body = "\n".join("<tr align=\"right\">" + "".join(f"<td nowrap>{cell if i % 2 == 0 else f'<b>{cell}</b>'}</td>"
                                                 for i, cell in enumerate(row)) + "</tr>" for row in rows)
html = f"<html><head><title>Strategy Tester Report</title></head><body><table>\n<tr><th colspan=\"4\">Results</th></tr>\n{body}\n</table></body></html>"
report = os.path.join(data_dir, *tester["Report"].split("\\"))
with open(report, "w", encoding="utf-16") as handle:
    handle.write(html)
