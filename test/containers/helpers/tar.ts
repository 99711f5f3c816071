/**
 * A minimal ustar writer: regular files with an exact owner and mode, which is what a secret
 * upload needs (`docker cp -` keeps the archive's uid, gid and mode; `docker cp FILE` would make
 * the file root's).
 */

export interface TarFile {
  /** Path inside the archive, relative (`run/secrets/X`). */
  path: string;
  content: string | Buffer;
  /** Permission bits, e.g. 0o400. */
  mode: number;
  uid: number;
  gid: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function header(file: TarFile, size: number): Buffer {
  if (Buffer.byteLength(file.path) > 100) throw new Error(`tar path over 100 bytes: ${file.path}`);
  const block = Buffer.alloc(BLOCK);
  block.write(file.path, 0, 100, "utf8");
  block.write(octal(file.mode, 8), 100, 8, "ascii");
  block.write(octal(file.uid, 8), 108, 8, "ascii");
  block.write(octal(file.gid, 8), 116, 8, "ascii");
  block.write(octal(size, 12), 124, 12, "ascii");
  block.write(octal(Math.floor(Date.now() / 1000), 12), 136, 12, "ascii");
  block.write("        ", 148, 8, "ascii"); // checksum field counts as spaces while summing
  block.write("0", 156, 1, "ascii"); // regular file
  block.write("ustar\0", 257, 6, "ascii");
  block.write("00", 263, 2, "ascii");
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return block;
}

export function createTar(files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const content = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, "utf8");
    parts.push(header(file, content.length), content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
