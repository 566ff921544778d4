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

/**
 * The items of `stack` above `mark`, taken off it as one list of exact length
 * (the shared empty list when there are none). Rules that collect items onto a
 * stack kept by the parser make no list of their own that grows by `push`.
 */
export function takeAbove<T>(stack: T[], mark: number): T[] {
  return stack.length <= mark ? (EMPTY as unknown as T[]) : stack.splice(mark);
}

/**
 * Sorts `a` in place, stably: by insertion when short (V8's sort allocates a
 * work array even for two elements, and the model sorts thousands of short
 * lists), else with Array.prototype.sort.
 */
export function sortInPlace<T>(a: T[], order: (x: T, y: T) => number): T[] {
  if (a.length > 16) return a.sort(order);
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && order(a[j], x) > 0) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}
