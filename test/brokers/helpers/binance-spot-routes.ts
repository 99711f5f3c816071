/** The stand-in's spot endpoints (/api/v3), answering as Binance does. */
import { BinanceError, BOOK, checkNewOrder, klines, symbolRules, type StandInOrder, type StandInState } from "./binance-stand-in.js";

function place(state: StandInState, params: URLSearchParams): StandInOrder {
  const { clientOrderId, quantity, symbol } = checkNewOrder(state, params, "newClientOrderId");
  const type = params.get("type") ?? "";
  const side = params.get("side") === "SELL" ? "SELL" : "BUY";
  const book = BOOK[symbol];
  const base = symbol.replace(/USDT$/, "");
  const order: StandInOrder = {
    orderId: state.nextId++, clientOrderId, symbol, side, type, price: "0.00000000", stopPrice: "0.00000000", origQty: quantity.toFixed(8),
    executedQty: "0.00000000", cummulativeQuoteQty: "0.00000000", avgPrice: "0", status: "NEW", time: state.now(),
  };
  const afford = (cost: number) => {
    if (side === "BUY" ? cost > state.balances.get("USDT")! : quantity > state.balances.get(base)!) {
      throw new BinanceError(400, -2010, "Account has insufficient balance for requested action.");
    }
  };
  const fill = (price: number) => {
    afford(price * quantity);
    const sign = side === "BUY" ? 1 : -1;
    state.balances.set("USDT", state.balances.get("USDT")! - sign * price * quantity);
    state.balances.set(base, state.balances.get(base)! + sign * quantity);
    Object.assign(order, { status: "FILLED", executedQty: order.origQty, cummulativeQuoteQty: (price * quantity).toFixed(8) });
  };
  if (type === "MARKET") fill(side === "BUY" ? book.ask : book.bid);
  else if (type === "LIMIT") {
    if (params.get("timeInForce") !== "GTC") throw new BinanceError(400, -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
    const price = Number(params.get("price"));
    if (!(price > 0)) throw new BinanceError(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
    order.price = price.toFixed(8);
    afford(price * quantity);
    if (side === "BUY" ? price >= book.ask : price <= book.bid) fill(side === "BUY" ? book.ask : book.bid);
  } else if (type === "STOP_LOSS") {
    const stop = Number(params.get("stopPrice"));
    if (!(stop > 0)) throw new BinanceError(400, -1102, "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.");
    if (side === "BUY" ? stop <= book.ask : stop >= book.bid) throw new BinanceError(400, -2010, "Stop price would trigger immediately.");
    order.stopPrice = stop.toFixed(8);
  } else throw new BinanceError(400, -1116, "Invalid orderType.");
  state.orders.push(order);
  return order;
}

function find(state: StandInState, params: URLSearchParams): StandInOrder {
  const id = params.get("orderId");
  const order = id !== null ? state.orders.find((o) => String(o.orderId) === id && !o.algo) : state.newest(params.get("origClientOrderId") ?? "", params.get("symbol") ?? "");
  if (!order || order.symbol !== params.get("symbol")) throw new BinanceError(400, -2013, "Order does not exist.");
  return order;
}

const view = ({ avgPrice: _a, algo: _b, ...order }: StandInOrder) => ({ ...order, orderListId: -1, timeInForce: "GTC", transactTime: order.time, updateTime: order.time });

export function handleSpot(state: StandInState, method: string, path: string, params: URLSearchParams): unknown {
  const route = `${method} ${path}`;
  switch (route) {
    case "GET /api/v3/exchangeInfo": {
      const symbol = params.get("symbol") ?? "";
      if (!(symbol in BOOK)) throw new BinanceError(400, -1121, "Invalid symbol.");
      return { timezone: "UTC", serverTime: state.now(), symbols: [symbolRules(symbol)] };
    }
    case "GET /api/v3/ticker/bookTicker": {
      const book = BOOK[params.get("symbol") as keyof typeof BOOK];
      if (!book) throw new BinanceError(400, -1121, "Invalid symbol.");
      return { symbol: params.get("symbol"), bidPrice: book.bid.toFixed(8), bidQty: "1.0", askPrice: book.ask.toFixed(8), askQty: "1.0" };
    }
    case "GET /api/v3/klines":
      return klines(params);
    case "GET /api/v3/account":
      return { accountType: "SPOT", canTrade: true, balances: [...state.balances].map(([asset, free]) => ({ asset, free: free.toFixed(8), locked: "0.00000000" })) };
    case "POST /api/v3/order":
      return view(place(state, params));
    case "GET /api/v3/order":
      return view(find(state, params));
    case "DELETE /api/v3/order": {
      const order = state.orders.find((o) => String(o.orderId) === params.get("orderId") && o.symbol === params.get("symbol"));
      if (!order || order.status !== "NEW") throw new BinanceError(400, -2011, "Unknown order sent.");
      order.status = "CANCELED";
      return view(order);
    }
    case "GET /api/v3/openOrders":
      return state.orders.filter((o) => o.status === "NEW" && !o.algo && (!params.get("symbol") || o.symbol === params.get("symbol"))).map(view);
    case "POST /api/v3/order/cancelReplace": {
      if (params.get("cancelReplaceMode") !== "STOP_ON_FAILURE") throw new BinanceError(400, -1102, "Mandatory parameter 'cancelReplaceMode' was not sent.");
      const old = state.orders.find((o) => String(o.orderId) === params.get("cancelOrderId") && o.status === "NEW");
      if (!old) throw new BinanceError(400, -2021, "Order cancel-replace failed.");
      old.status = "CANCELED";
      return { cancelResult: "SUCCESS", newOrderResult: "SUCCESS", cancelResponse: view(old), newOrderResponse: view(place(state, params)) };
    }
    default:
      throw new BinanceError(404, -1000, `no such endpoint: ${route}`);
  }
}
