"""tester_run against the fake MetaEditor and a fake portable tester terminal, and the report parser."""
import dataclasses
import os
import shutil
import unittest

from mt5bridge import errors
from mt5bridge.config import TesterSettings
from mt5bridge.tester.report import ReportError, parse_report

from .support import HERE, BridgeTestCase

EXPERT = """
input double Lots = 0.1;
int OnInit() { return(INIT_SUCCEEDED); }
void OnTick() {}
"""


def run_params(**overrides):
    return {"expert_source": EXPERT, "symbol": "EURUSD", "timeframe_minutes": 60, "from_date": "2024-01-01",
            "to_date": "2024-03-31", "deposit": 10000, "inputs": {"Lots": 0.2, "Comment": "qm", "Trail": True},
            **overrides}


class TesterRunTest(BridgeTestCase):
    def setUp(self):
        super().setUp()
        self.install = os.path.join(self.tmp, f"tester-{self.id().rsplit('.', 1)[-1]}")
        os.makedirs(self.install)
        for name in ("terminal64", "metaeditor64"):
            shutil.copy(os.path.join(HERE, "fakes", f"{name}.py"), os.path.join(self.install, name))
        tester = TesterSettings(terminal_path=os.path.join(self.install, "terminal64"),
                                metaeditor_path=os.path.join(self.install, "metaeditor64"),
                                compile_timeout_s=5, run_timeout_s=2)
        self.server.settings = dataclasses.replace(self.server.settings, tester=tester)
        self.c = self.client()
        for key in ("FAKE_TERMINAL_MODE", "FAKE_METAEDITOR_MODE"):
            os.environ.pop(key, None)

    def tearDown(self):
        for key in ("FAKE_TERMINAL_MODE", "FAKE_METAEDITOR_MODE"):
            os.environ.pop(key, None)
        super().tearDown()

    def leftovers(self):
        found = []
        for root, _dirs, files in os.walk(self.install):
            found += [f for f in files if f.startswith("qm_")]
        return found

    def test_a_run_compiles_tests_and_parses_the_report(self):
        result = self.c.call("tester_run", run_params())
        stats = result["statistics"]
        self.assertEqual(stats["initial_deposit"], 10000.0)
        self.assertEqual(stats["total_net_profit"], 1000.0, "the fake derives profit from Deposit and Lots=0.2")
        self.assertEqual((stats["balance_drawdown_max"], stats["balance_drawdown_max_pct"]), (161.29, 1.58))
        self.assertEqual((stats["total_trades"], stats["profit_trades"], stats["loss_trades"]), (40, 24, 16))
        self.assertEqual(stats["sharpe_ratio"], 1.25)
        self.assertEqual(result["report"]["Period"], "H1 (2024.01.01 - 2024.03.31)")
        self.assertIn("Result: 0 errors", result["compile_log"])
        self.assertEqual(self.leftovers(), [], "the source, binary, ini, log and report are removed")

    def test_a_compile_error_returns_the_log(self):
        error = self.assertError(self.c.request("tester_run", run_params(expert_source="#error nope\nvoid OnTick(){}")),
                                 errors.TESTER_FAILURE, "compile")
        self.assertEqual(error["data"]["stage"], "compile")
        self.assertIn("'#error' directive", error["data"]["log"])
        self.assertEqual(self.leftovers(), [])

    def test_a_terminal_that_never_finishes_is_killed(self):
        os.environ["FAKE_TERMINAL_MODE"] = "hang"
        error = self.assertError(self.c.request("tester_run", run_params()), errors.TESTER_FAILURE, "timed out after 2 s")
        self.assertEqual(error["data"]["stage"], "run")

    def test_no_report_and_a_report_without_statistics(self):
        os.environ["FAKE_TERMINAL_MODE"] = "no-report"
        self.assertEqual(self.assertError(self.c.request("tester_run", run_params()), errors.TESTER_FAILURE,
                                          "wrote no report")["data"]["stage"], "run")
        os.environ["FAKE_TERMINAL_MODE"] = "garbage"
        self.assertEqual(self.assertError(self.c.request("tester_run", run_params()), errors.TESTER_FAILURE,
                                          "no Total Net Profit")["data"]["stage"], "report")

    def test_an_unconfigured_tester_says_so(self):
        self.server.settings = dataclasses.replace(self.server.settings, tester=TesterSettings())
        self.assertEqual(self.assertError(self.c.request("tester_run", run_params()), errors.TESTER_FAILURE,
                                          "no tester")["data"]["stage"], "config")

    def test_params_cannot_inject_ini_lines_or_paths(self):
        cases = [
            (run_params(inputs={"Lots": "1\r\n[Tester]\r\nExpert=..\\..\\evil"}), "without line breaks"),
            (run_params(inputs={"../x": 1}), "not an MQL5 identifier"),
            (run_params(inputs={"Lots": [1]}), "must be a number, string or boolean"),
            (run_params(symbol="EURUSD\nModel=0"), "params.symbol must be"),
            (run_params(from_date="2024-02-30"), "not a calendar date"),
            (run_params(from_date="2024-04-01"), "from_date must be before to_date"),
            (run_params(timeframe_minutes=7), "timeframe_minutes must be one of"),
            (run_params(deposit=0), "params.deposit must be > 0"),
        ]
        for params, message in cases:
            with self.subTest(message=message):
                self.assertError(self.c.request("tester_run", params), errors.INVALID_PARAMS, message)


class ReportParserTest(unittest.TestCase):
    def test_html_in_utf16_with_thousand_separators(self):
        html = ("<table><tr><td>Initial Deposit:</td><td><b>10 000.00</b></td><td>Total Net Profit:</td>"
                "<td><b>-1 234.50</b></td></tr><tr><td>Equity Drawdown Maximal:</td><td>2\u00a0000.00 (20.00%)</td>"
                "</tr></table>")
        stats = parse_report(b"\xff\xfe" + html.encode("utf-16-le"))["statistics"]
        self.assertEqual((stats["initial_deposit"], stats["total_net_profit"]), (10000.0, -1234.5))
        self.assertEqual((stats["equity_drawdown_max"], stats["equity_drawdown_max_pct"]), (2000.0, 20.0))
        self.assertIsNone(stats["sharpe_ratio"])

    def test_xml_spreadsheet(self):
        xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>'
               '<Table><Row><Cell><Data>Total Net Profit:</Data></Cell><Cell><Data>512.25</Data></Cell>'
               '<Cell><Data>Total Trades:</Data></Cell><Cell><Data>12</Data></Cell></Row></Table></Worksheet>'
               '</Workbook>')
        stats = parse_report(xml.encode("utf-16"))["statistics"]
        self.assertEqual((stats["total_net_profit"], stats["total_trades"]), (512.25, 12))

    def test_not_a_report(self):
        with self.assertRaises(ReportError):
            parse_report(b"<html><body>hello</body></html>")
        with self.assertRaises(ReportError):
            parse_report(b'<?xml version="1.0"?><unclosed>')


if __name__ == "__main__":
    unittest.main()
