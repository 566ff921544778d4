/**
 * Line diff (Myers' O(ND) algorithm) and unified-diff hunks, for
 * `mtc build --check` and for the `--qemu-tree` patch.
 */

export type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** The edit script turning `a` into `b`, as a list of kept, removed and added lines. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const n = A.length;
  const m = B.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Backtrack.
  const mid: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1]! < vd[off + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      mid.push({ kind: ' ', line: A[--x]! });
      y--;
    }
    if (x === prevX) mid.push({ kind: '+', line: B[--y]! });
    else mid.push({ kind: '-', line: A[--x]! });
  }
  while (x > 0 && y > 0) {
    mid.push({ kind: ' ', line: A[--x]! });
    y--;
  }
  mid.reverse();
  return [
    ...a.slice(0, pre).map((line) => ({ kind: ' ' as const, line })),
    ...mid,
    ...a.slice(a.length - suf).map((line) => ({ kind: ' ' as const, line })),
  ];
}

/** Splits text into lines without their terminators (a final newline adds no empty line). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Unified diff hunks (`@@ -a,b +c,d @@` and lines) with `context` lines
 * around each change; empty when the texts are equal. Both texts must end
 * with a newline (every generated file does).
 */
export function unifiedHunks(oldText: string, newText: string, context = 3): string[] {
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  const out: string[] = [];
  const changes: number[] = [];
  ops.forEach((o, i) => {
    if (o.kind !== ' ') changes.push(i);
  });
  if (changes.length === 0) return out;
  // Old/new line numbers before each op.
  const oldNo: number[] = [];
  const newNo: number[] = [];
  let on = 1;
  let nn = 1;
  for (const o of ops) {
    oldNo.push(on);
    newNo.push(nn);
    if (o.kind !== '+') on++;
    if (o.kind !== '-') nn++;
  }
  let i = 0;
  while (i < changes.length) {
    const start = Math.max(0, changes[i]! - context);
    let end = Math.min(ops.length, changes[i]! + context + 1);
    let j = i + 1;
    while (j < changes.length && changes[j]! - context <= end) {
      end = Math.min(ops.length, changes[j]! + context + 1);
      j++;
    }
    const slice = ops.slice(start, end);
    const oldLen = slice.filter((o) => o.kind !== '+').length;
    const newLen = slice.filter((o) => o.kind !== '-').length;
    const oldStart = oldLen === 0 ? oldNo[start]! - 1 : oldNo[start]!;
    const newStart = newLen === 0 ? newNo[start]! - 1 : newNo[start]!;
    out.push(`@@ -${oldStart},${oldLen} +${newStart},${newLen} @@`);
    for (const o of slice) out.push(o.kind + o.line);
    i = j;
  }
  return out;
}

/** A whole unified diff of one file, `--- a/PATH` / `+++ b/PATH` (git style when `git` is set). */
export function unifiedDiff(path: string, oldText: string, newText: string, opts: { git?: boolean; context?: number } = {}): string {
  const hunks = unifiedHunks(oldText, newText, opts.context ?? 3);
  if (hunks.length === 0) return '';
  const head = opts.git ? [`diff --git a/${path} b/${path}`] : [];
  return [...head, `--- a/${path}`, `+++ b/${path}`, ...hunks].join('\n') + '\n';
}
