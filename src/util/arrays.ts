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
 * A stack that code collects lists on: note `size` where a list starts, `push`
 * its items, then `take` them as one list of exact length (the shared empty
 * list when there are none). The storage is reused, so a list costs only its
 * exact copy (a list grown by `push` from empty allocates room for 16 items,
 * then is copied to its length). Taken slots are cleared: the stack holds no
 * item of a list already taken. Items of a list never taken (its collector
 * was abandoned by a throw) stay below the next list's start until `clear`.
 */
export class Collector<T> {
  private items: (T | undefined)[] = [];
  private top = 0;

  /** Where a list that starts now starts. */
  get size(): number {
    return this.top;
  }

  push(item: T): void {
    this.items[this.top++] = item;
  }

  /** The items pushed since `start`, taken off the stack. */
  take(start: number): T[] {
    const top = this.top;
    if (top <= start) return EMPTY as unknown as T[];
    const taken = this.items.slice(start, top) as T[];
    for (let i = start; i < top; i++) this.items[i] = undefined;
    this.top = start;
    return taken;
  }

  /** Empties the stack, leftovers included. */
  clear(): void {
    this.items = [];
    this.top = 0;
  }
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
