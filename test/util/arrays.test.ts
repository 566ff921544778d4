import { describe, expect, it } from 'vitest';
import { Collector, exact, sortInPlace } from '../../src/util/arrays.js';

/** A small deterministic generator, so that a failure repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('sortInPlace', () => {
  it('sorts like Array.prototype.sort, stably, at every length around the insertion-sort cut', () => {
    const next = random(7);
    for (let n = 0; n <= 40; n++)
      for (let round = 0; round < 25; round++) {
        // Few distinct keys, so that ties are common; `at` tells equal keys apart.
        const items = Array.from({ length: n }, (_, at) => ({ key: Math.floor(next() * 4), at }));
        const order = (a: { key: number }, b: { key: number }) => a.key - b.key;
        const want = [...items].sort(order);
        const got = sortInPlace([...items], order);
        expect(got).toEqual(want);
      }
  });

  it('sorts the list it is given and returns it', () => {
    const a = [3, 1, 2];
    expect(sortInPlace(a, (x, y) => x - y)).toBe(a);
    expect(a).toEqual([1, 2, 3]);
  });
});

describe('Collector', () => {
  it('takes the items pushed since a start as one list, in order, and leaves those below', () => {
    const c = new Collector<number>();
    c.push(1);
    const start = c.size;
    c.push(2);
    c.push(3);
    expect(c.take(start)).toEqual([2, 3]);
    expect(c.size).toBe(1);
    expect(c.take(0)).toEqual([1]);
  });

  it('lists nest: an inner list taken first leaves the outer one whole', () => {
    const c = new Collector<string>();
    const outer = c.size;
    c.push('a');
    const inner = c.size;
    c.push('x');
    c.push('y');
    expect(c.take(inner)).toEqual(['x', 'y']);
    c.push('b');
    expect(c.take(outer)).toEqual(['a', 'b']);
  });

  it('gives the shared frozen empty list when nothing was pushed', () => {
    const c = new Collector<number>();
    const none = c.take(c.size);
    expect(none).toBe(exact([]));
    expect(Object.isFrozen(none)).toBe(true);
  });

  it('keeps no taken item: the storage it reuses is cleared', () => {
    const c = new Collector<object>();
    c.push({});
    c.push({});
    c.take(0);
    expect((c as unknown as { items: unknown[] }).items.every((x) => x === undefined)).toBe(true);
    // A list abandoned without a take stays until clear().
    c.push({});
    c.clear();
    expect(c.size).toBe(0);
    expect((c as unknown as { items: unknown[] }).items).toEqual([]);
  });

  it('a taken list does not change when the stack is reused', () => {
    const c = new Collector<number>();
    c.push(1);
    const first = c.take(0);
    c.push(2);
    expect(first).toEqual([1]);
  });
});
