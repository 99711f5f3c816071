"""QuantMind's MT5 bridge: JSON-RPC 2.0 over TLS between the mt5_socket broker and a MetaTrader 5 terminal."""

VERSION = "1.0.0"
