/** Classifying the address ranges of firewall rules: open to the internet, or private. */

/** `0.0.0.0/0` or `::/0`: every address. */
export function isWorldOpen(cidr: string): boolean {
  const [address, bits] = cidr.trim().split("/");
  return bits === "0" && (address === "0.0.0.0" || address === "::" || /^[0:]+$/.test(address ?? ""));
}

const PRIVATE_V4: [number, number][] = [
  [ip4("10.0.0.0"), 8],
  [ip4("172.16.0.0"), 12],
  [ip4("192.168.0.0"), 16],
  [ip4("100.64.0.0"), 10],
  [ip4("127.0.0.0"), 8],
];

/**
 * True when every address of `cidr` is private (RFC 1918, carrier-grade NAT, loopback; IPv6
 * unique-local fc00::/7 and ::1). Anything else is reachable from the internet.
 */
export function isPrivateCidr(cidr: string): boolean {
  const [address = "", bitsText = ""] = cidr.trim().split("/");
  if (address.includes(":")) {
    const bits = bitsText === "" ? 128 : Number(bitsText);
    const lower = address.toLowerCase();
    if (lower === "::1") return bits === 128;
    return /^f[cd][0-9a-f]{0,2}:/.test(lower) && bits >= 7;
  }
  const bits = bitsText === "" ? 32 : Number(bitsText);
  const start = ip4(address);
  if (Number.isNaN(start) || !Number.isInteger(bits)) return false;
  return PRIVATE_V4.some(([base, size]) => bits >= size && Math.floor(start / 2 ** (32 - size)) === Math.floor(base / 2 ** (32 - size)));
}

/** True for 127.0.0.0/8, ::1 and `localhost`: a port published there is reachable only from the host. */
export function isLoopbackAddress(address: string): boolean {
  const value = address.trim().toLowerCase();
  return value === "localhost" || value === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(value);
}

function ip4(address: string): number {
  const octets = address.split(".");
  if (octets.length !== 4 || octets.some((octet) => !/^\d{1,3}$/.test(octet) || Number(octet) > 255)) return Number.NaN;
  return octets.reduce((value, octet) => value * 256 + Number(octet), 0);
}
