/**
 * A bounded big-endian reader over a migration stream held in memory. QEMU
 * writes every integer of the savevm format big-endian, high byte first
 * (qemu-10.2.2 migration/qemu-file.c:800-818, `qemu_put_be16/32/64`).
 * Nothing here allocates from a length read out of the stream: strings and
 * buffers are views of the input, and every read checks the bound first.
 */

/** Why a stream cannot be read, and the byte offset where that became clear. */
export class StreamError extends Error {
  constructor(
    readonly offset: number,
    message: string,
    readonly kind: 'malformed' | 'no-vmdesc' | 'no-cpu' = 'malformed',
  ) {
    super(message);
    this.name = 'StreamError';
  }
}

/** `1234 (0x4d2)`: how offsets are shown in messages. */
export function showOffset(offset: number): string {
  return `${offset} (0x${offset.toString(16)})`;
}

export class Cursor {
  private pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    /** Reads stop here (exclusive): the VM description that follows the end-of-file mark is not stream data. */
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, at = this.pos): never {
    throw new StreamError(at, message);
  }

  private need(n: number, what: string): void {
    if (n < 0 || !Number.isSafeInteger(n)) this.fail(`${what}: impossible length ${n}`);
    if (this.end - this.pos < n)
      this.fail(`stream ends inside ${what}: ${n} byte${n === 1 ? '' : 's'} needed, ${Math.max(0, this.end - this.pos)} left`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  peek(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  be16(what: string): number {
    this.need(2, what);
    const b = this.bytes;
    const v = (b[this.pos] << 8) | b[this.pos + 1];
    this.pos += 2;
    return v;
  }

  be32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const v = ((b[this.pos] << 24) | (b[this.pos + 1] << 16) | (b[this.pos + 2] << 8) | b[this.pos + 3]) >>> 0;
    this.pos += 4;
    return v;
  }

  be64(what: string): bigint {
    this.need(8, what);
    const hi = BigInt(this.be32(what));
    const lo = BigInt(this.be32(what));
    return (hi << 32n) | lo;
  }

  /** A view of the next `n` bytes. */
  bytesView(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /** A string of `len` bytes; QEMU's id strings are ASCII, anything else is shown escaped. */
  text(len: number, what: string): string {
    return latin1(this.bytesView(len, what));
  }
}

/** Bytes as text without decoding surprises: printable ASCII as is, anything else as `\xNN`. */
export function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return s;
}

export function be64At(b: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(b[at + i]);
  return v;
}

export function be32At(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
