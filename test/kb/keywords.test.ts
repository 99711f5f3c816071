import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keywordTerms } from "../../services/kb/keywords.js";

describe("keywordTerms", () => {
  it("keeps identifiers whole and adds their parts", () => {
    expect(keywordTerms("ORDER_FILLING_FOK")).toEqual(["order_filling_fok", "order", "filling", "fok"]);
    expect(keywordTerms("OrderSend")).toEqual(["ordersend", "order", "send"]);
    expect(keywordTerms("CTrade")).toEqual(["ctrade", "trade"]);
    expect(keywordTerms("iMA(")).toEqual(["ima", "ma"]);
    expect(keywordTerms("PositionGetDouble(POSITION_SL)")).toEqual([
      "positiongetdouble", "position", "get", "double", "position_sl", "position", "sl",
    ]);
    expect(keywordTerms("M15 H1")).toEqual(["m15", "15", "h1"]);
  });

  it("keeps error codes and numbers as tokens", () => {
    expect(keywordTerms("error 10030 (TRADE_RETCODE_INVALID_FILL)")).toEqual([
      "error", "10030", "trade_retcode_invalid_fill", "trade", "retcode", "invalid", "fill",
    ]);
  });

  it("lower-cases plain words, drops stop words and de-pluralises lightly", () => {
    expect(keywordTerms("What is the Kelly criterion for strategies with trailing stops?")).toEqual([
      "kelly", "criterion", "strategy", "trailing", "stop",
    ]);
    expect(keywordTerms("loss status analysis")).toEqual(["loss", "status", "analysis"]);
  });

  it("handles non-ASCII letters and skips symbols and over-long runs", () => {
    expect(keywordTerms("Größe naïve 😀 €")).toEqual(["größe", "naïve"]);
    expect(keywordTerms(`${"a".repeat(65)} ok`)).toEqual(["ok"]);
    expect(keywordTerms("")).toEqual([]);
  });

  it("only ever yields non-empty lower-case terms made of word characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) =>
        keywordTerms(text).every((t) => t.length > 0 && t === t.toLowerCase() && /^[\p{L}\p{N}_]+$/u.test(t)),
      ),
    );
  });
});
