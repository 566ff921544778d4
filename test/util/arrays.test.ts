import { describe, expect, it } from 'vitest';
import { exact, sortInPlace, takeAbove } from '../../src/util/arrays.js';

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

describe('takeAbove', () => {
  it('takes what is above the mark, in order, and leaves the rest', () => {
    const stack = [1, 2, 3, 4];
    expect(takeAbove(stack, 1)).toEqual([2, 3, 4]);
    expect(stack).toEqual([1]);
  });

  it('gives the shared empty list when nothing is above the mark', () => {
    const stack = [1];
    const none = takeAbove(stack, 1);
    expect(none).toEqual([]);
    expect(none).toBe(exact([]));
    expect(Object.isFrozen(none)).toBe(true);
    expect(stack).toEqual([1]);
  });
});
