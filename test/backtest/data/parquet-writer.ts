/**
 * A minimal Parquet writer for test fixtures (no writer package is installed): one row group,
 * REQUIRED columns, PLAIN encoding, no compression, v1 data pages, metadata in Thrift's compact
 * protocol. Enough for hyparquet to read the files the Parquet reader is tested on.
 */
type ColumnType = "DOUBLE" | "INT64" | "UTF8";
export interface ParquetColumn {
  name: string;
  type: ColumnType;
  /** INT64 only: mark the column TIMESTAMP_MILLIS. */
  timestampMillis?: boolean;
  values: (number | string)[];
}

const PHYSICAL = { DOUBLE: 5, INT64: 2, UTF8: 6 } as const; // parquet.thrift Type
const CONVERTED_UTF8 = 0;
const CONVERTED_TIMESTAMP_MILLIS = 9;

/** Thrift compact protocol, just the parts the metadata needs. */
class Compact {
  private bytes: number[] = [];
  private lastField: number[] = [0];

  varint(value: bigint): void {
    let v = value;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  private zigzag(value: number | bigint): void {
    const v = BigInt(value);
    this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
  }
  private field(id: number, type: number): void {
    const delta = id - this.lastField[this.lastField.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }
  i32(id: number, value: number): this {
    this.field(id, 5);
    this.zigzag(value);
    return this;
  }
  i64(id: number, value: number): this {
    this.field(id, 6);
    this.zigzag(value);
    return this;
  }
  string(id: number, value: string): this {
    this.field(id, 8);
    const utf8 = Buffer.from(value, "utf8");
    this.varint(BigInt(utf8.length));
    this.bytes.push(...utf8);
    return this;
  }
  struct(id: number, body: (c: this) => void): this {
    this.field(id, 12);
    this.lastField.push(0);
    body(this);
    this.bytes.push(0);
    this.lastField.pop();
    return this;
  }
  /** A list of structs (elemType 12), i32s (5) or strings (8). */
  list<T>(id: number, elemType: number, items: T[], write: (c: this, item: T) => void): this {
    this.field(id, 9);
    if (items.length < 15) this.bytes.push((items.length << 4) | elemType);
    else {
      this.bytes.push(0xf0 | elemType);
      this.varint(BigInt(items.length));
    }
    for (const item of items) {
      if (elemType === 12) {
        this.lastField.push(0);
        write(this, item);
        this.bytes.push(0);
        this.lastField.pop();
      } else write(this, item);
    }
    return this;
  }
  rawZigzag(value: number): void {
    this.zigzag(value);
  }
  rawString(value: string): void {
    const utf8 = Buffer.from(value, "utf8");
    this.varint(BigInt(utf8.length));
    this.bytes.push(...utf8);
  }
  end(): Buffer {
    this.bytes.push(0);
    return Buffer.from(this.bytes);
  }
}

function plainValues(column: ParquetColumn): Buffer {
  if (column.type === "DOUBLE") {
    const out = Buffer.alloc(column.values.length * 8);
    column.values.forEach((v, i) => out.writeDoubleLE(Number(v), i * 8));
    return out;
  }
  if (column.type === "INT64") {
    const out = Buffer.alloc(column.values.length * 8);
    column.values.forEach((v, i) => out.writeBigInt64LE(BigInt(v), i * 8));
    return out;
  }
  return Buffer.concat(
    column.values.map((v) => {
      const utf8 = Buffer.from(String(v), "utf8");
      const length = Buffer.alloc(4);
      length.writeUInt32LE(utf8.length);
      return Buffer.concat([length, utf8]);
    }),
  );
}

export function writeParquet(columns: ParquetColumn[]): Buffer {
  const rows = columns[0]!.values.length;
  const parts: Buffer[] = [Buffer.from("PAR1")];
  let offset = 4;
  const chunks: { column: ParquetColumn; offset: number; size: number }[] = [];
  for (const column of columns) {
    const data = plainValues(column);
    const header = new Compact()
      .i32(1, 0) // DATA_PAGE
      .i32(2, data.length)
      .i32(3, data.length)
      .struct(5, (c) => c.i32(1, rows).i32(2, 0).i32(3, 3).i32(4, 3)) // PLAIN values, RLE levels (none: REQUIRED)
      .end();
    parts.push(header, data);
    chunks.push({ column, offset, size: header.length + data.length });
    offset += header.length + data.length;
  }
  const footer = new Compact()
    .i32(1, 1)
    .list(2, 12, [undefined, ...columns], (c, column) => {
      if (!column) c.string(4, "schema").i32(5, columns.length);
      else {
        c.i32(1, PHYSICAL[column.type]).i32(3, 0).string(4, column.name);
        if (column.type === "UTF8") c.i32(6, CONVERTED_UTF8);
        if (column.timestampMillis) c.i32(6, CONVERTED_TIMESTAMP_MILLIS);
      }
    })
    .i64(3, rows)
    .list(4, 12, [chunks], (c, all) => {
      c.list(1, 12, all, (cc, chunk) => {
        cc.i64(2, chunk.offset).struct(3, (m) =>
          m
            .i32(1, PHYSICAL[chunk.column.type])
            .list(2, 5, [0], (x, encoding) => x.rawZigzag(encoding))
            .list(3, 8, [chunk.column.name], (x, name) => x.rawString(name))
            .i32(4, 0)
            .i64(5, rows)
            .i64(6, chunk.size)
            .i64(7, chunk.size)
            .i64(9, chunk.offset),
        );
      });
      c.i64(2, offset - 4).i64(3, rows);
    })
    .end();
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  return Buffer.concat([...parts, footer, length, Buffer.from("PAR1")]);
}
