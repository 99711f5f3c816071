"""
The filling policy for an order, detected from symbol_info().filling_mode (bit flags) and the
symbol's execution mode rather than assumed: brokers differ, and a wrong policy is rejected
with retcode 10030.
"""

# symbol_info().filling_mode flags and the request's type_filling values (the MetaTrader5 package's)
SYMBOL_FILLING_FOK = 1
SYMBOL_FILLING_IOC = 2
ORDER_FILLING_FOK = 0
ORDER_FILLING_IOC = 1
ORDER_FILLING_RETURN = 2
SYMBOL_TRADE_EXECUTION_MARKET = 2
NAMES = {ORDER_FILLING_FOK: "fok", ORDER_FILLING_IOC: "ioc", ORDER_FILLING_RETURN: "return"}


def filling_candidates(filling_mode: int, trade_exemode: int, pending: bool) -> list[int]:
    """
    Allowed policies, best first. Market orders prefer FOK (all or nothing), then IOC; RETURN is
    allowed for them only outside market execution. Pending orders rest in the book, so RETURN
    comes first for them. A symbol with no flags leaves RETURN only.
    """
    modes = [ORDER_FILLING_RETURN] if pending else []
    if filling_mode & SYMBOL_FILLING_FOK:
        modes.append(ORDER_FILLING_FOK)
    if filling_mode & SYMBOL_FILLING_IOC:
        modes.append(ORDER_FILLING_IOC)
    if not pending and (trade_exemode != SYMBOL_TRADE_EXECUTION_MARKET or not modes):
        modes.append(ORDER_FILLING_RETURN)
    return modes
