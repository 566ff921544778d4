/**
 * Shared support for the hardening tests: diagnostic span invariants, an
 * in-memory compile, a "repair" that drops the rules a checker rejects (so the
 * emitters see many error-free models), and a file system that counts its
 * calls and throws past a budget (so a hang shows as a fast failure).
 */
import { expect } from 'vitest';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { compile, type CompileResult } from '../../src/compile.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { FileSystem } from '../../src/resolve/load.js';
import { memoryFileSystem } from '../../src/resolve/memory-fs.js';
import type { Limits } from '../../src/util/limits.js';
import { defaultLimits } from '../../src/util/limits.js';
import type * as A from '../../src/syntax/ast.js';
import type { Span } from '../../src/diagnostics/source.js';
import { parseSource } from '../../src/syntax/parser.js';
import { SourceFile } from '../../src/diagnostics/source.js';

export const catalog = loadBuiltinCatalog();
export const ROOT = '/hardening-project';

/** Line and column of an offset, computed independently of SourceFile (\n, \r\n and \r end lines). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        if (i + 1 >= offset) break; // offset points at the \n of a \r\n: still on this line
        i++;
      }
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** A span lies inside its file, and its line/column agree with its offsets. */
export function expectSpanInside(span: Span, text: string, what: string): void {
  const { start, end } = span;
  expect(Number.isInteger(start.offset) && Number.isInteger(end.offset), `${what}: integer offsets`).toBe(true);
  expect(start.offset, `${what}: start >= 0`).toBeGreaterThanOrEqual(0);
  expect(start.offset, `${what}: start <= end`).toBeLessThanOrEqual(end.offset);
  expect(end.offset, `${what}: end <= length ${text.length}`).toBeLessThanOrEqual(text.length);
  for (const p of [start, end]) {
    expect({ line: p.line, column: p.column }, `${what}: line/column of offset ${p.offset}`).toEqual(lineColumn(text, p.offset));
  }
}

/**
 * Every diagnostic is well formed: a code, a message, and every span (primary,
 * labels, fix edits) inside the file it names. `texts` maps display path → text.
 */
export function expectDiagnosticsInside(diags: readonly Diagnostic[], texts: ReadonlyMap<string, string>): void {
  for (const d of diags) {
    const what = `${d.code} ${JSON.stringify(d.message.slice(0, 60))}`;
    expect(d.code, what).toMatch(/^MTC\d{4}$/);
    expect(['error', 'warning', 'note']).toContain(d.severity);
    expect(typeof d.message === 'string' && d.message.length > 0, `${what}: has a message`).toBe(true);
    if (d.span) {
      expect(d.file, `${what}: a span needs a file`).toBeDefined();
      const text = texts.get(d.file!);
      expect(text, `${what}: file ${d.file} is known`).toBeDefined();
      expectSpanInside(d.span, text!, what);
    }
    for (const l of d.labels ?? []) {
      const text = texts.get(l.file);
      expect(text, `${what}: label file ${l.file} is known`).toBeDefined();
      expectSpanInside(l.span, text!, `${what} label`);
    }
    for (const e of d.fix?.edits ?? []) {
      const text = texts.get(e.file);
      expect(text, `${what}: fix file ${e.file} is known`).toBeDefined();
      expectSpanInside(e.span, text!, `${what} fix`);
    }
  }
}

/** Parses one text and checks the diagnostics' spans. */
export function parseChecked(text: string, path = 'f.mtc', limits: Limits = defaultLimits) {
  const r = parseSource(new SourceFile(path, text), { limits });
  expectDiagnosticsInside(r.diagnostics, new Map([[path, text]]));
  return r;
}

/** Compiles an in-memory project (display path → text) and checks every diagnostic's spans. */
export function compileChecked(
  files: Record<string, string>,
  opts: { paths?: string[]; limits?: Limits; fs?: FileSystem } = {},
): CompileResult {
  const fs = opts.fs ?? memoryFileSystem(ROOT, files);
  const r = compile(opts.paths ?? Object.keys(files), { catalog, root: ROOT, fs, ...(opts.limits ? { limits: opts.limits } : {}) });
  const texts = new Map<string, string>();
  for (const f of r.project.files) texts.set(f.path, f.source.text);
  expectDiagnosticsInside(r.diagnostics, texts);
  return r;
}

export const errorsOf = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

const within = (outer: Span, inner: Span) => outer.start.offset <= inner.start.offset && inner.end.offset <= outer.end.offset;

/**
 * Blanks (with spaces, keeping every offset) the smallest piece of the file
 * that holds each error: a rule, an `inherits` clause, or a top statement.
 * Returns undefined when an error cannot be placed.
 */
export function dropErrors(text: string, ast: A.File, errors: readonly Diagnostic[]): string | undefined {
  const cuts: [number, number][] = [];
  for (const e of errors) {
    if (!e.span) return undefined;
    let cut: [number, number] | undefined;
    for (const st of ast.statements) {
      if (!within(st.span, e.span) && !(st.span.start.offset === e.span.start.offset)) continue;
      cut = [st.span.start.offset, st.span.end.offset];
      if (st.kind === 'Machine') {
        const rule = st.body.find((r) => within(r.span, e.span!));
        if (rule) cut = [rule.span.start.offset, rule.span.end.offset];
        else if (st.inherits && st.name && within(st.inherits.span, e.span)) cut = [st.name.span.end.offset, st.inherits.span.end.offset];
      }
      break;
    }
    if (!cut) return undefined;
    cuts.push(cut);
  }
  let out = text;
  for (const [a, b] of cuts) out = out.slice(0, a) + out.slice(a, b).replace(/[^\n]/g, ' ') + out.slice(b);
  return out;
}

/** Compiles, then drops what has errors, up to a few rounds. The model of the clean text, or undefined. */
export function compileClean(text: string): { text: string; result: CompileResult } | undefined {
  let t = text;
  for (let round = 0; round < 6; round++) {
    const r = compileChecked({ 'a.mtc': t });
    const errs = errorsOf(r.diagnostics);
    if (errs.length === 0) return r.model ? { text: t, result: r } : undefined;
    const next = dropErrors(t, r.project.files[0]!.ast, errs);
    if (next === undefined || next === t) return undefined;
    t = next;
  }
  return undefined;
}

/** Thrown by a budgeted file system when a load does more work than any sane input needs. */
export class BudgetExceeded extends Error {}

/** Wraps a file system; every call counts, and past `budget` calls it throws BudgetExceeded. */
export function budgetFs(inner: FileSystem, budget: number): FileSystem & { calls(): number } {
  let n = 0;
  const tick = () => {
    if (++n > budget) throw new BudgetExceeded(`file system budget of ${budget} calls exceeded`);
  };
  return {
    realpath: (p) => (tick(), inner.realpath(p)),
    kind: (p) => (tick(), inner.kind(p)),
    readFile: (p, max) => (tick(), inner.readFile(p, max)),
    list: (p) => (tick(), inner.list(p)),
    calls: () => n,
  };
}
