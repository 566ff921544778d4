/**
 * JSON written piece by piece, for documents too big to hold as one string
 * (`mtc simulate --format json` over a fleet: V8 strings stop at about
 * 512 MiB, and building one costs as much memory again). The text is exactly
 * what `JSON.stringify(value, null, indent)` gives for the same value; arrays
 * may be given lazily (lazyArray), so their items exist one at a time.
 */

const LAZY = Symbol('lazy JSON array');

export interface LazyArray {
  readonly [LAZY]: () => Iterable<unknown>;
}

/** An array whose items are produced while it is written. */
export function lazyArray(items: () => Iterable<unknown>): LazyArray {
  return { [LAZY]: items };
}

function isLazy(v: unknown): v is LazyArray {
  return typeof v === 'object' && v !== null && LAZY in v;
}

/** Where text goes; `write` may be called many times with small pieces. */
export interface TextSink {
  write(text: string): void;
}

/** Joins the small pieces of a generator into chunks of about `size` characters. */
export function* batched(pieces: Iterable<string>, size = 64 * 1024): Generator<string> {
  let buf = '';
  for (const p of pieces) {
    buf += p;
    if (buf.length >= size) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** The pieces of `JSON.stringify(value, null, indent)`, produced as they are needed. */
export function* jsonChunks(value: unknown, indent = 2): Generator<string> {
  const pad = (depth: number) => '\n' + ' '.repeat(depth * indent);
  function* write(v: unknown, depth: number): Generator<string, boolean> {
    if (isLazy(v)) {
      let first = true;
      for (const item of v[LAZY]()) {
        yield first ? '[' + pad(depth + 1) : ',' + pad(depth + 1);
        if (!(yield* write(item, depth + 1))) yield 'null';
        first = false;
      }
      yield first ? '[]' : pad(depth) + ']';
      return true;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) {
        yield '[]';
        return true;
      }
      for (let i = 0; i < v.length; i++) {
        yield (i === 0 ? '[' : ',') + pad(depth + 1);
        if (!(yield* write(v[i], depth + 1))) yield 'null';
      }
      yield pad(depth) + ']';
      return true;
    }
    if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      let first = true;
      for (const [k, item] of Object.entries(v)) {
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        yield (first ? '{' : ',') + pad(depth + 1) + JSON.stringify(k) + ': ';
        yield* write(item, depth + 1);
        first = false;
      }
      yield first ? '{}' : pad(depth) + '}';
      return true;
    }
    const text = JSON.stringify(v);
    if (text === undefined) return false;
    yield text;
    return true;
  }
  yield* write(value, 0);
}

/** Writes `value` as `JSON.stringify(value, null, indent)` would. */
export function writeJson(sink: TextSink, value: unknown, indent = 2): void {
  for (const c of jsonChunks(value, indent)) sink.write(c);
}
