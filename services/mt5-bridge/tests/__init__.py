"""The bridge's tests (unittest, standard library only): `python3 -m unittest discover -s tests -t .`."""
import logging

# the bridge logs through "mt5bridge"; tests assert on replies, and the CLI test reads real log output
logging.getLogger("mt5bridge").addHandler(logging.NullHandler())
logging.getLogger("mt5bridge").propagate = False
