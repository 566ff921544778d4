/**
 * Prettier 3 language plugin for mtc rule files.
 *
 *   prettier --plugin=./dist/format/plugin.js --write rules/
 *
 * or, from code: `prettier.format(text, { parser: 'mtc', plugins: [plugin] })`.
 * Prettier loads a plugin module as `module.default ?? module`, so the default
 * export carries every part, and the parts are exported by name as well.
 */
import type { Parser, Plugin, SupportLanguage } from 'prettier';
import type * as A from '../syntax/ast.js';
import { parseSource } from '../syntax/parser.js';
import { SourceFile } from '../diagnostics/source.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sanitize } from '../diagnostics/render.js';
import { locEnd, locStart } from './comments.js';
import { printer } from './printer.js';

/** Default line width for rule files (a register name with its id is about 50 columns). */
export const MTC_PRINT_WIDTH = 100;

export const languages: SupportLanguage[] = [
  {
    name: 'mtc',
    parsers: ['mtc'],
    extensions: ['.mtc'],
    vscodeLanguageIds: ['mtc'],
  },
];

/** The error thrown for a file with syntax errors; Prettier shows `loc` with a code frame. */
export class MtcSyntaxError extends SyntaxError {
  readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } };
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0]!;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
    const s = first.span;
    const at = s ? ` (${s.start.line}:${s.start.column})` : '';
    // Prettier prints this message on a terminal: no control character of the file reaches it raw.
    super(`${sanitize(first.message)} [${first.code}]${at}${more}`);
    this.name = 'SyntaxError';
    this.loc = s
      ? { start: { line: s.start.line, column: s.start.column }, end: { line: s.end.line, column: s.end.column } }
      : { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  }
}

export const mtcParser: Parser<A.AnyNode> = {
  astFormat: 'mtc',
  locStart,
  locEnd,
  parse(text, options) {
    const path = (options as { filepath?: string }).filepath ?? '<input>';
    const result = parseSource(new SourceFile(path, text));
    if (result.diagnostics.some((d) => d.severity === 'error')) throw new MtcSyntaxError(result.diagnostics);
    // Prettier names a comment it failed to place by its `value`.
    for (const c of result.ast.comments) (c as { value?: string }).value = '//' + c.text;
    return result.ast;
  },
};

export const parsers: Record<string, Parser<A.AnyNode>> = { mtc: mtcParser };
export const printers = { mtc: printer };
export const defaultOptions = { printWidth: MTC_PRINT_WIDTH, tabWidth: 2, useTabs: false };

const plugin: Plugin<A.AnyNode> = { languages, parsers, printers, defaultOptions };
export default plugin;
