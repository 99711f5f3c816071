/**
 * Splits a byte stream into newline-delimited lines, refusing a line longer than the protocol's
 * 1 MiB so a misbehaving peer cannot make us buffer without bound.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

export class LineReader {
  private chunks: Buffer[] = [];
  private size = 0;

  /** Feeds `chunk`; returns the complete lines it finished, or throws when a line is too long. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, newline);
      this.check(this.size + piece.length);
      const line = this.size === 0 ? piece : Buffer.concat([...this.chunks, piece]);
      this.chunks = [];
      this.size = 0;
      const text = line.toString("utf8").replace(/\r$/, "");
      if (text.trim() !== "") lines.push(text);
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.check(this.size + rest.length);
      this.chunks.push(rest);
      this.size += rest.length;
    }
    return lines;
  }

  private check(size: number): void {
    if (size > MAX_LINE_BYTES) throw new Error(`a line from the bridge is longer than ${MAX_LINE_BYTES} bytes`);
  }
}
