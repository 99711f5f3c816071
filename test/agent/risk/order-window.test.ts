import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OrderWindow } from "../../../services/agent/risk/order-window.js";

describe("OrderWindow", () => {
  it("counts what a filter over every order time counts, for times in order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 90_000 }), fc.boolean()), { maxLength: 3000 }), (steps) => {
        const window = new OrderWindow(60_000);
        const times: number[] = [];
        let now = 0;
        for (const [advance, order] of steps) {
          now += advance % 7 === 0 ? advance : advance % 50;
          expect(window.count(now)).toBe(times.filter((at) => now - at < 60_000).length);
          if (order) {
            window.add(now);
            times.push(now);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it("forgets orders once they leave the window, so memory follows the window", () => {
    const window = new OrderWindow(1000);
    for (let t = 0; t < 100_000; t++) window.add(t);
    expect(window.count(100_000)).toBe(999);
    expect((window as unknown as { times: number[] }).times.length).toBeLessThan(3000);
  });
});
