/**
 * Line diff (Myers' O(ND) algorithm, with the linear-space refinement left
 * out: inputs are generated C files of a few thousand lines at most) and
 * unified-diff output in the format of `diff -u` / `git diff`.
 */

export type EditOp = { readonly op: ' ' | '-' | '+'; readonly line: string };

/** Splits text into lines; a final newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Shortest edit script from a to b (Myers 1986), as a sequence of kept, removed and added lines. */
export function diffLines(a: readonly string[], b: readonly string[]): EditOp[] {
  // Trim the common prefix and suffix first: cheap and the common case.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const middle = myers(A, B);
  const out: EditOp[] = [];
  for (let i = 0; i < pre; i++) out.push({ op: ' ', line: a[i] });
  for (const x of middle) out.push(x);
  for (let i = a.length - suf; i < a.length; i++) out.push({ op: ' ', line: a[i] });
  return out;
}

function myers(a: readonly string[], b: readonly string[]): EditOp[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ op: '+' as const, line }));
  if (m === 0) return a.map((line) => ({ op: '-' as const, line }));
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) x = v[offset + k + 1];
      else x = v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  trace.push(v);
  // Backtrack from (n, m) through the saved frontiers.
  const ops: EditOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    let prevK: number;
    if (d === 0) prevK = 0;
    else if (k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1])) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ op: '+', line: b[y - 1] });
    else ops.push({ op: '-', line: a[x - 1] });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ op: ' ', line: a[x - 1] });
    x--;
    y--;
  }
  return ops.reverse();
}

export interface UnifiedDiffOptions {
  /** Lines of context around each change (default 3, as `diff -u`). */
  readonly context?: number;
  readonly fromLabel: string;
  readonly toLabel: string;
}

/**
 * A unified diff of two texts, or '' when they are equal. An empty side is
 * shown with hunk range `0,0`, as GNU diff does; a side whose last line has
 * no newline gets `\ No newline at end of file`.
 */
export function unifiedDiff(before: string, after: string, opts: UnifiedDiffOptions): string {
  if (before === after) return '';
  // A last line without a newline differs from the same line with one: mark it.
  const a = markNoEol(before);
  const b = markNoEol(after);
  const ops = diffLines(a, b);
  const ctx = opts.context ?? 3;
  const rows: { op: EditOp; ai: number; bi: number }[] = [];
  let ai = 0;
  let bi = 0;
  for (const op of ops) {
    rows.push({ op, ai, bi });
    if (op.op !== '+') ai++;
    if (op.op !== '-') bi++;
  }
  const changed = rows.map((r, i) => (r.op.op !== ' ' ? i : -1)).filter((i) => i >= 0);
  const out: string[] = [`--- ${opts.fromLabel}`, `+++ ${opts.toLabel}`];
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i] - ctx);
    let end = Math.min(rows.length, changed[i] + ctx + 1);
    let j = i + 1;
    // Hunks whose contexts touch or overlap are merged, as diff -u does.
    while (j < changed.length && changed[j] - ctx <= end) {
      end = Math.min(rows.length, changed[j] + ctx + 1);
      j++;
    }
    const hunk = rows.slice(start, end);
    const aLen = hunk.filter((r) => r.op.op !== '+').length;
    const bLen = hunk.filter((r) => r.op.op !== '-').length;
    out.push(`@@ -${range(hunk[0].ai, aLen)} +${range(hunk[0].bi, bLen)} @@`);
    for (const r of hunk) {
      const line = r.op.line;
      if (line.endsWith(NOEOL)) out.push(r.op.op + line.slice(0, -NOEOL.length), '\\ No newline at end of file');
      else out.push(r.op.op + line);
    }
    i = j;
  }
  return out.join('\n') + '\n';
}

const NOEOL = '\u0000noeol';

function markNoEol(text: string): string[] {
  const lines = splitLines(text);
  if (text !== '' && !text.endsWith('\n')) lines[lines.length - 1] += NOEOL;
  return lines;
}

function range(start: number, len: number): string {
  // GNU diff: 1-based start; an empty range names the line before it.
  const s = len === 0 ? start : start + 1;
  return len === 1 ? `${s}` : `${s},${len}`;
}
