/** The one IPv4/CIDR module: parsing, range arithmetic and the policy pack's classification. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CidrError } from "../../infra/errors.js";
import { cidrRange, ipv4ToNumber, isIpv4Cidr, isLoopbackAddress, isPrivateCidr, isWorldOpen, numberToIpv4, parseCidr, subnet, tryParseCidr } from "../../infra/ipv4.js";

const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });

describe("ipv4", () => {
  it("round-trips every address between text and number", () => {
    fc.assert(
      fc.property(address, (n) => {
        expect(ipv4ToNumber(numberToIpv4(n))).toBe(n);
      }),
    );
  });

  it("parses a.b.c.d/n with n 0-32, and nothing else", () => {
    expect(parseCidr("10.40.0.0/16")).toEqual({ address: 10 * 2 ** 24 + 40 * 2 ** 16, bits: 16 });
    expect(parseCidr(" 203.0.113.7/32 ")).toEqual({ address: ipv4ToNumber("203.0.113.7"), bits: 32 });
    for (const bad of ["10.40.0.0", "10.40.0.0/33", "10.40.0/16", "256.0.0.0/8", "010.0.0.0/8", "10.0.0.0/16/1", "10.0.0.0/-1", "10.0.0.0/ 8", "::/0", ""]) {
      expect(tryParseCidr(bad), bad).toBeUndefined();
      expect(isIpv4Cidr(bad), bad).toBe(false);
      expect(() => parseCidr(bad), bad).toThrow(CidrError);
    }
    expect(() => parseCidr("10.0.0/16")).toThrow('"10.0.0/16" is not an IPv4 CIDR such as 10.40.0.0/16');
  });

  it("cuts blocks inside a range: every block within it, consecutive and disjoint", () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: 28 }), fc.integer({ min: 0, max: 4 }), (base, bits, extra) => {
        const outer = { address: base, bits };
        const [low, high] = cidrRange(outer);
        const count = Math.min(2 ** extra, 16);
        let previousEnd = low - 1;
        for (let i = 0; i < count; i++) {
          const [start, end] = cidrRange(parseCidr(subnet(outer, bits + extra, i)));
          expect(start).toBe(previousEnd + 1);
          expect(end).toBeLessThanOrEqual(high);
          previousEnd = end;
        }
      }),
    );
    expect(subnet(parseCidr("10.30.0.0/16"), 24, 0)).toBe("10.30.0.0/24");
    expect(() => subnet(parseCidr("10.30.0.0/24"), 16, 0)).toThrow(/does not fit/);
    expect(() => subnet(parseCidr("10.30.0.0/24"), 25, 2)).toThrow("a /24 holds 2 /25 blocks; there is no block 2");
  });

  it("classifies ranges for the policy pack: private only when every address is", () => {
    for (const inside of ["10.0.0.0/8", "10.1.2.0/24", "172.16.0.0/12", "172.31.255.255/32", "192.168.1.0/24", "100.64.0.0/10", "127.0.0.1", "fd00::/8", "::1"]) {
      expect(isPrivateCidr(inside), inside).toBe(true);
    }
    for (const outside of ["0.0.0.0/0", "8.0.0.0/7", "172.0.0.0/8", "172.32.0.0/16", "192.168.0.0/15", "203.0.113.0/24", "not-a-cidr", "::/0", "2001:db8::/32"]) {
      expect(isPrivateCidr(outside), outside).toBe(false);
    }
    expect(["0.0.0.0/0", "::/0", " 0.0.0.0/0"].map(isWorldOpen)).toEqual([true, true, true]);
    expect(["0.0.0.0/1", "10.0.0.0/0"].map(isWorldOpen)).toEqual([false, false]);
    expect(["127.0.0.1", "127.9.8.7", "localhost", "::1"].map(isLoopbackAddress)).toEqual([true, true, true, true]);
    expect(["0.0.0.0", "128.0.0.1", "127.0.0.256", ""].map(isLoopbackAddress)).toEqual([false, false, false, false]);
  });
});
