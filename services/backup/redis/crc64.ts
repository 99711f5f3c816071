/**
 * CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, init 0, no final
 * xor), the checksum at the end of every RDB file. Two 32-bit halves instead of BigInt keep it at
 * hundreds of MB/s.
 */

const TABLE_LO = new Uint32Array(256);
const TABLE_HI = new Uint32Array(256);
// The reflected polynomial 0x95ac9329ac4bc9b5, as two halves.
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

for (let n = 0; n < 256; n++) {
  let lo = n;
  let hi = 0;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  TABLE_LO[n] = lo;
  TABLE_HI[n] = hi;
}

/** A running CRC-64: feed chunks with `update`, read the value with `digest`. */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(data: Uint8Array): this {
    let { lo, hi } = this;
    for (let i = 0; i < data.length; i++) {
      const index = (lo ^ data[i]!) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]!) >>> 0;
      hi = ((hi >>> 8) ^ TABLE_HI[index]!) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  digest(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

export function crc64(data: Uint8Array): bigint {
  return new Crc64().update(data).digest();
}
