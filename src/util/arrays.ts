/**
 * A list at its exact length. Arrays grown by `push` keep room for at least
 * 16 elements; the syntax tree and model of a large project hold hundreds of
 * thousands of short lists, so each is copied to its length once built
 * (issue 16: 36 MB of the 10 MB corpus's syntax tree was such room), and
 * every empty one is the same frozen array.
 */
export function exact<T>(a: T[]): T[] {
  return a.length === 0 ? (EMPTY as unknown as T[]) : a.slice();
}

const EMPTY: readonly never[] = Object.freeze([]);
