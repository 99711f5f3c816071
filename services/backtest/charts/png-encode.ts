/**
 * PNG encoding of resvg's RGBA pixels. resvg's own encoder compresses hard and took 60-270 ms for
 * a 1000 x 600 chart on this machine, more than the whole backtest; charts are mostly flat colour,
 * so RGB rows with the Up filter and zlib's fastest level come out a similar size in a few ms.
 */
import { crc32, deflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes `rgba` (width x height x 4 bytes, straight alpha over an opaque background) as an RGB PNG. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  let previous: Buffer | undefined;
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(stride);
    for (let x = 0, i = y * width * 4; x < width; x++, i += 4) {
      row[x * 3] = rgba[i]!;
      row[x * 3 + 1] = rgba[i + 1]!;
      row[x * 3 + 2] = rgba[i + 2]!;
    }
    const at = y * (stride + 1);
    raw[at] = 2; // Up: identical rows (most of a chart) become zeros
    for (let i = 0; i < stride; i++) raw[at + 1 + i] = (row[i]! - (previous?.[i] ?? 0)) & 0xff;
    previous = row;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([SIGNATURE, chunk("IHDR", header), chunk("IDAT", deflateSync(raw, { level: 1 })), chunk("IEND", Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
