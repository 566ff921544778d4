import * as prettier from 'prettier';
import { expect } from 'vitest';
import plugin from '../../src/format/plugin.js';
import { commentTexts, normalizeAst } from '../../src/format/normalize.js';
import { parseSource } from '../../src/syntax/parser.js';
import { SourceFile } from '../../src/diagnostics/source.js';

export function parse(text: string, path = 'test.mtc') {
  return parseSource(new SourceFile(path, text));
}

export function errorsOf(text: string) {
  return parse(text).diagnostics.filter((d) => d.severity === 'error');
}

/** Formats through Prettier's public API, exactly as an editor or `prettier --write` does. */
export function fmt(text: string, options: prettier.Options = {}): Promise<string> {
  return prettier.format(text, { parser: 'mtc', plugins: [plugin], ...options });
}

/**
 * The three invariants: formatting twice gives the text of formatting once; the
 * formatted text parses (without errors) to the same AST (spans, comment
 * positions and string splits aside); every comment's text is still there.
 * Returns the formatted text.
 */
export async function expectInvariants(text: string, label = 'input'): Promise<string> {
  const before = parse(text);
  expect(before.diagnostics.filter((d) => d.severity === 'error'), `${label} must parse`).toEqual([]);
  const once = await fmt(text);
  const twice = await fmt(once);
  expect(twice, `${label}: formatting twice = formatting once`).toBe(once);
  const after = parse(once);
  expect(after.diagnostics.filter((d) => d.severity === 'error'), `${label}: output parses`).toEqual([]);
  expect(normalizeAst(after.ast), `${label}: same AST`).toEqual(normalizeAst(before.ast));
  expect(commentTexts(after.ast), `${label}: every comment survives`).toEqual(commentTexts(before.ast));
  return once;
}
