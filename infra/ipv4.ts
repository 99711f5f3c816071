/**
 * IPv4 addresses and CIDR ranges, in one place: parsing and validation (stack configuration),
 * range arithmetic (subnets, overlap between stacks) and classification (the policy pack's
 * public/private checks). Addresses are unsigned 32-bit numbers; IPv6 appears only where the
 * policy pack must classify a rule it finds.
 */
import { CidrError } from "./errors.js";

/** Every IPv4 address: a route or rule open to the internet. */
export const ANY_IPV4 = "0.0.0.0/0";

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** An IPv4 CIDR, e.g. `10.40.0.0/16`: its address as a number and its prefix length. */
export interface Cidr {
  address: number;
  bits: number;
}

/** The address as a number, or NaN when `text` is not a dotted-quad IPv4 address. */
export function ipv4ToNumber(text: string): number {
  const octets = text.split(".");
  if (octets.length !== 4 || !octets.every((octet) => OCTET.test(octet))) return Number.NaN;
  return octets.reduce((value, octet) => value * 256 + Number(octet), 0);
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The CIDR, or undefined when `text` is not `a.b.c.d/n` with n 0-32 (surrounding space allowed). */
export function tryParseCidr(text: string): Cidr | undefined {
  const [address = "", bitsText, ...rest] = text.trim().split("/");
  if (rest.length > 0 || bitsText === undefined || !/^\d{1,2}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const value = ipv4ToNumber(address);
  return bits <= 32 && !Number.isNaN(value) ? { address: value, bits } : undefined;
}

/** The CIDR; a CidrError naming the value otherwise. */
export function parseCidr(text: string): Cidr {
  const cidr = tryParseCidr(text);
  if (!cidr) throw new CidrError(`${JSON.stringify(text)} is not an IPv4 CIDR such as 10.40.0.0/16`);
  return cidr;
}

export function isIpv4Cidr(text: string): boolean {
  return tryParseCidr(text) !== undefined;
}

/** Addresses in a range of `bits`. */
export function blockSize(bits: number): number {
  return 2 ** (32 - bits);
}

/** First and last address of the range (host bits of the address ignored). */
export function cidrRange(cidr: Cidr): [number, number] {
  const size = blockSize(cidr.bits);
  const start = cidr.address - (cidr.address % size);
  return [start, start + size - 1];
}

export function formatCidr(address: number, bits: number): string {
  return `${numberToIpv4(address)}/${bits}`;
}

/** True when two IPv4 CIDRs share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [startA, endA] = cidrRange(parseCidr(a));
  const [startB, endB] = cidrRange(parseCidr(b));
  return startA <= endB && startB <= endA;
}

/** The `index`-th block of `bits` inside `cidr` (`bits` at least the CIDR's own prefix). */
export function subnet(cidr: Cidr, bits: number, index: number): string {
  if (bits < cidr.bits || bits > 32) throw new CidrError(`a /${bits} block does not fit in a /${cidr.bits}`);
  const count = blockSize(cidr.bits) / blockSize(bits);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new CidrError(`a /${cidr.bits} holds ${count} /${bits} blocks; there is no block ${index}`);
  return formatCidr(cidrRange(cidr)[0] + index * blockSize(bits), bits);
}

/** `0.0.0.0/0` or `::/0`: every address. */
export function isWorldOpen(cidr: string): boolean {
  const [address, bits] = cidr.trim().split("/");
  return bits === "0" && (address === "0.0.0.0" || address === "::" || /^[0:]+$/.test(address ?? ""));
}

const PRIVATE_V4: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8"].map((c) => tryParseCidr(c)!);

/**
 * True when every address of `cidr` is private (RFC 1918, carrier-grade NAT, loopback; IPv6
 * unique-local fc00::/7 and ::1). Anything else, malformed input included, counts as reachable
 * from the internet.
 */
export function isPrivateCidr(cidr: string): boolean {
  const [address = "", bitsText = ""] = cidr.trim().split("/");
  if (address.includes(":")) {
    const bits = bitsText === "" ? 128 : Number(bitsText);
    const lower = address.toLowerCase();
    if (lower === "::1") return bits === 128;
    return /^f[cd][0-9a-f]{0,2}:/.test(lower) && bits >= 7;
  }
  const parsed = tryParseCidr(bitsText === "" ? `${address}/32` : cidr);
  if (!parsed) return false;
  const [start, end] = cidrRange(parsed);
  return PRIVATE_V4.some((range) => {
    const [low, high] = cidrRange(range);
    return start >= low && end <= high;
  });
}

/** True for 127.0.0.0/8, ::1 and `localhost`: a port published there is reachable only from the host. */
export function isLoopbackAddress(address: string): boolean {
  const value = address.trim().toLowerCase();
  if (value === "localhost" || value === "::1") return true;
  const parsed = ipv4ToNumber(value);
  return !Number.isNaN(parsed) && Math.floor(parsed / 2 ** 24) === 127;
}
