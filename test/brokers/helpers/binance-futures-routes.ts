/** The stand-in's USD-M futures endpoints (/fapi), one-way mode, algo stop orders. */
import { BinanceError, BOOK, checkNewOrder, klines, symbolRules, type BookSymbol, type StandInOrder, type StandInState } from "./binance-stand-in.js";

const mid = (symbol: BookSymbol) => (BOOK[symbol].bid + BOOK[symbol].ask) / 2;

function account(state: StandInState) {
  let unrealized = 0;
  let margin = 0;
  for (const [symbol, p] of state.positions) {
    unrealized += p.amount * (mid(symbol as BookSymbol) - p.entry);
    margin += (Math.abs(p.amount) * mid(symbol as BookSymbol)) / state.leverage;
  }
  return { wallet: state.wallet, unrealized, margin, available: state.wallet + unrealized - margin };
}

function fill(state: StandInState, symbol: BookSymbol, signed: number, price: number): void {
  const p = state.positions.get(symbol) ?? { amount: 0, entry: 0 };
  if (p.amount === 0 || Math.sign(p.amount) === Math.sign(signed)) {
    p.entry = (p.entry * Math.abs(p.amount) + price * Math.abs(signed)) / (Math.abs(p.amount) + Math.abs(signed));
  } else state.wallet += Math.min(Math.abs(signed), Math.abs(p.amount)) * Math.sign(p.amount) * (price - p.entry);
  p.amount = Math.round((p.amount + signed) * 1e8) / 1e8;
  if (p.amount === 0) state.positions.delete(symbol);
  else state.positions.set(symbol, p);
}

function place(state: StandInState, params: URLSearchParams): StandInOrder {
  const { clientOrderId, quantity, symbol } = checkNewOrder(state, params, "newClientOrderId");
  const side = params.get("side") === "SELL" ? "SELL" : "BUY";
  const type = params.get("type") ?? "";
  const price = side === "BUY" ? BOOK[symbol].ask : BOOK[symbol].bid;
  const signed = side === "BUY" ? quantity : -quantity;
  const order: StandInOrder = { orderId: state.nextId++, clientOrderId, symbol, side, type, price: "0", stopPrice: "0", origQty: String(quantity), executedQty: "0", cummulativeQuoteQty: "0", avgPrice: "0", status: "NEW", time: state.now() };
  if (params.get("reduceOnly") === "true") {
    const held = state.positions.get(symbol)?.amount ?? 0;
    if (held === 0 || Math.sign(held) === Math.sign(signed) || Math.abs(held) < quantity - 1e-12) throw new BinanceError(400, -2022, "ReduceOnly Order is rejected.");
  } else if ((quantity * price) / state.leverage > account(state).available) throw new BinanceError(400, -2019, "Margin is insufficient.");
  if (type === "MARKET") {
    fill(state, symbol, signed, price);
    Object.assign(order, { status: "FILLED", executedQty: order.origQty, avgPrice: String(price), cummulativeQuoteQty: String(price * quantity) });
  } else if (type === "LIMIT") {
    if (params.get("timeInForce") !== "GTC" || !(Number(params.get("price")) > 0)) throw new BinanceError(400, -1102, "Mandatory parameter 'price' or 'timeInForce' was not sent.");
    order.price = params.get("price")!;
  } else if (type === "STOP_MARKET" || type === "STOP") {
    throw new BinanceError(400, -4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.");
  } else throw new BinanceError(400, -1116, "Invalid orderType.");
  state.orders.push(order);
  return order;
}

function placeAlgo(state: StandInState, params: URLSearchParams): StandInOrder {
  if (params.get("algoType") !== "CONDITIONAL" || params.get("type") !== "STOP_MARKET") throw new BinanceError(400, -1116, "Invalid orderType.");
  const { clientOrderId, quantity, symbol } = checkNewOrder(state, params, "clientAlgoId");
  const side = params.get("side") === "SELL" ? "SELL" : "BUY";
  const trigger = Number(params.get("triggerPrice"));
  if (side === "BUY" ? trigger <= mid(symbol) : trigger >= mid(symbol)) throw new BinanceError(400, -2021, "Order would immediately trigger.");
  const order: StandInOrder = { orderId: state.nextId++, clientOrderId, symbol, side, type: "STOP_MARKET", price: "0", stopPrice: String(trigger), origQty: String(quantity), executedQty: "0", cummulativeQuoteQty: "0", avgPrice: "0", status: "NEW", time: state.now(), algo: true };
  state.orders.push(order);
  return order;
}

const view = (o: StandInOrder) => ({ orderId: o.orderId, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, type: o.type, price: o.price, stopPrice: o.stopPrice, origQty: o.origQty, executedQty: o.executedQty, avgPrice: o.avgPrice, cumQuote: o.cummulativeQuoteQty, status: o.status, timeInForce: "GTC", positionSide: "BOTH", reduceOnly: false, time: o.time, updateTime: o.time });
const algoView = (o: StandInOrder) => ({ algoId: o.orderId, clientAlgoId: o.clientOrderId, algoType: "CONDITIONAL", orderType: o.type, symbol: o.symbol, side: o.side, positionSide: "BOTH", quantity: o.origQty, algoStatus: o.status, triggerPrice: o.stopPrice, price: "0", createTime: o.time, updateTime: o.time });

export function handleFutures(state: StandInState, method: string, path: string, params: URLSearchParams): unknown {
  const route = `${method} ${path}`;
  const symbolOf = () => {
    const symbol = params.get("symbol") ?? "";
    if (!(symbol in BOOK)) throw new BinanceError(400, -1121, "Invalid symbol.");
    return symbol as BookSymbol;
  };
  switch (route) {
    case "GET /fapi/v1/exchangeInfo":
      return { timezone: "UTC", serverTime: state.now(), symbols: Object.keys(BOOK).map(symbolRules) };
    case "GET /fapi/v1/ticker/bookTicker": {
      const symbol = symbolOf();
      return { symbol, bidPrice: String(BOOK[symbol].bid), bidQty: "3", askPrice: String(BOOK[symbol].ask), askQty: "3", time: state.now() };
    }
    case "GET /fapi/v1/klines":
      return klines(params);
    case "GET /fapi/v3/account": {
      const a = account(state);
      return { totalWalletBalance: String(a.wallet), totalUnrealizedProfit: String(a.unrealized), totalMarginBalance: String(a.wallet + a.unrealized), totalInitialMargin: String(a.margin), availableBalance: String(a.available), assets: [], positions: [] };
    }
    case "GET /fapi/v3/positionRisk":
      return [...state.positions]
        .filter(([symbol]) => !params.get("symbol") || symbol === params.get("symbol"))
        .map(([symbol, p]) => ({ symbol, positionSide: "BOTH", positionAmt: String(p.amount), entryPrice: String(p.entry), markPrice: String(mid(symbol as BookSymbol)), unRealizedProfit: String(p.amount * (mid(symbol as BookSymbol) - p.entry)), updateTime: state.now() }));
    case "POST /fapi/v1/order":
      return view(place(state, params));
    case "GET /fapi/v1/order": {
      const order = state.newest(params.get("origClientOrderId") ?? "", symbolOf());
      if (!order || order.algo) throw new BinanceError(400, -2013, "Order does not exist.");
      return view(order);
    }
    case "PUT /fapi/v1/order": {
      const order = state.orders.find((o) => String(o.orderId) === params.get("orderId") && o.status === "NEW" && !o.algo && o.symbol === symbolOf());
      if (!order) throw new BinanceError(400, -2013, "Order does not exist.");
      if (!params.get("side") || !params.get("quantity") || !(Number(params.get("price")) > 0)) throw new BinanceError(400, -1102, "Mandatory parameter was not sent.");
      order.price = params.get("price")!;
      return view(order);
    }
    case "DELETE /fapi/v1/order": {
      const order = state.orders.find((o) => String(o.orderId) === params.get("orderId") && !o.algo && o.symbol === symbolOf());
      if (!order || order.status !== "NEW") throw new BinanceError(400, -2011, "Unknown order sent.");
      order.status = "CANCELED";
      return view(order);
    }
    case "GET /fapi/v1/openOrders":
      return state.orders.filter((o) => o.status === "NEW" && !o.algo && (!params.get("symbol") || o.symbol === params.get("symbol"))).map(view);
    case "POST /fapi/v1/algoOrder":
      return algoView(placeAlgo(state, params));
    case "GET /fapi/v1/algoOrder": {
      const order = [...state.orders].reverse().find((o) => o.algo && (o.clientOrderId === params.get("clientAlgoId") || String(o.orderId) === params.get("algoId")));
      if (!order) throw new BinanceError(400, -2013, "Order does not exist.");
      return algoView(order);
    }
    case "DELETE /fapi/v1/algoOrder": {
      const order = state.orders.find((o) => o.algo && String(o.orderId) === params.get("algoId") && o.status === "NEW");
      if (!order) throw new BinanceError(400, -2011, "Unknown order sent.");
      order.status = "CANCELED";
      return { algoId: order.orderId, clientAlgoId: order.clientOrderId, code: "200", msg: "success" };
    }
    case "GET /fapi/v1/openAlgoOrders":
      return state.orders.filter((o) => o.algo && o.status === "NEW" && (!params.get("symbol") || o.symbol === params.get("symbol"))).map(algoView);
    default:
      throw new BinanceError(404, -1000, `no such endpoint: ${route}`);
  }
}
