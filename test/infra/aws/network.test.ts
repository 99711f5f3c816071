import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { subnetCidrs } from "../../../infra/components/aws/network.js";

const toInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const range = (cidr: string) => {
  const [ip, bits] = cidr.split("/");
  const start = toInt(ip!);
  return { start, end: start + 2 ** (32 - Number(bits)) - 1 };
};

describe("subnetCidrs", () => {
  it("splits the prod VPC into /20s: public first, private in the upper half", () => {
    expect(subnetCidrs("10.40.0.0/16", 2)).toEqual({
      publicCidrs: ["10.40.0.0/20", "10.40.16.0/20"],
      privateCidrs: ["10.40.128.0/20", "10.40.144.0/20"],
    });
  });

  it("gives every zone disjoint subnets inside the VPC, for any prefix /8-/24 and 1-8 zones", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 24 }), fc.integer({ min: 1, max: 8 }), (base, bits, zones) => {
        const vpc = `${[24, 16, 8, 0].map((s) => (base >>> s) & 255).join(".")}/${bits}`;
        const { publicCidrs, privateCidrs } = subnetCidrs(vpc, zones);
        const all = [...publicCidrs, ...privateCidrs].map(range);
        const vpcStart = Math.floor(base / 2 ** (32 - bits)) * 2 ** (32 - bits);
        const vpcEnd = vpcStart + 2 ** (32 - bits) - 1;
        expect(all).toHaveLength(2 * zones);
        for (const [i, a] of all.entries()) {
          expect(a.start).toBeGreaterThanOrEqual(vpcStart);
          expect(a.end).toBeLessThanOrEqual(vpcEnd);
          for (const b of all.slice(i + 1)) expect(a.end < b.start || b.end < a.start).toBe(true);
        }
      }),
    );
  });

  it("refuses a VPC too small to split", () => {
    expect(() => subnetCidrs("10.40.0.0/25", 2)).toThrow(/between \/8 and \/24/);
  });
});
