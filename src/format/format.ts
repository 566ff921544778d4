import * as nodePath from 'node:path';
import * as prettier from 'prettier';
import { resolveStaticConfig } from './config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseSource } from '../syntax/parser.js';
import { SourceFile } from '../diagnostics/source.js';
import { commentTexts, normalizeAst } from './normalize.js';
import plugin, { MTC_PRINT_WIDTH } from './plugin.js';

export interface FormatOptions {
  /** Defaults to 100 (the plugin's default), or what a Prettier config file says when `usePrettierConfig`. */
  readonly printWidth?: number;
  /**
   * Read the layout options of a static Prettier config (`.prettierrc` JSON or
   * YAML, package.json) for the file; JavaScript configs are never run
   * (config.ts). Default false.
   */
  readonly usePrettierConfig?: boolean;
  /** Absolute path of the file, for finding its Prettier config (default: `path` from the current directory). */
  readonly absolutePath?: string;
  /** Where the config search stops (default: the file system root). */
  readonly root?: string;
  /** Options already resolved by the caller (`mtc fmt` resolves them once per directory); wins over usePrettierConfig. */
  readonly config?: prettier.Options;
}

export type FormatResult =
  | { readonly ok: true; readonly formatted: string; readonly changed: boolean; readonly source: SourceFile }
  | { readonly ok: false; readonly diagnostics: Diagnostic[]; readonly source: SourceFile };

/**
 * Formats one rule file. A file with syntax errors is not formatted (its
 * diagnostics come back instead). The result is checked before it is returned:
 * it must parse, mean the same (normalizeAst) and keep every comment;
 * otherwise an MTC6004 error comes back and the caller must keep the file.
 */
export async function formatSource(text: string, path: string, options: FormatOptions = {}): Promise<FormatResult> {
  const source = new SourceFile(path, text);
  const parsed = parseSource(source);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { ok: false, diagnostics: parsed.diagnostics, source };
  let config: prettier.Options = options.config ?? {};
  if (options.config === undefined && options.usePrettierConfig) config = resolveStaticConfig(options.absolutePath ?? path, options.root ?? nodePath.parse(nodePath.resolve(path)).root).options;
  let formatted: string;
  try {
    formatted = await prettier.format(text, {
      ...config,
      filepath: path,
      parser: 'mtc',
      plugins: [plugin],
      printWidth: options.printWidth ?? config.printWidth ?? MTC_PRINT_WIDTH,
    });
  } catch (e) {
    // Prettier colours its messages when it thinks the terminal can (CI=true does it): keep the text only.
    const text = (e instanceof Error ? e.message : String(e)).replace(/\u001b\[[0-9;]*m/g, '');
    const why = `Prettier failed: ${text.split('\n')[0].replace(/\.$/, '')}`;
    return {
      ok: false,
      diagnostics: [
        notPreserving(
          path,
          why,
          'check the Prettier configuration that applies to this file (.prettierrc and the like); if it is valid, this is a bug in the formatter',
        ),
      ],
      source,
    };
  }
  const problem = checkPreserved(parsed.ast, formatted, path);
  if (problem) return { ok: false, diagnostics: [notPreserving(path, problem)], source };
  return { ok: true, formatted, changed: formatted !== text, source };
}

/** Why `formatted` does not mean the same as `original`, or undefined when it does. */
export function checkPreserved(original: ReturnType<typeof parseSource>['ast'], formatted: string, path: string): string | undefined {
  const again = parseSource(new SourceFile(path, formatted));
  if (again.diagnostics.some((d) => d.severity === 'error')) return 'the formatted text does not parse';
  if (JSON.stringify(normalizeAst(again.ast)) !== JSON.stringify(normalizeAst(original)))
    return 'the formatted text does not parse to the same rules';
  if (JSON.stringify(commentTexts(again.ast)) !== JSON.stringify(commentTexts(original)))
    return 'the formatted text does not keep every comment';
  return undefined;
}

function notPreserving(
  path: string,
  why: string,
  help = 'this is a bug in the formatter; put `// mtc-fmt: ignore` before the statement to keep it as written, and report it',
): Diagnostic {
  return { code: 'MTC6004', severity: 'error', message: `${why}; the file is left untouched`, file: path, help };
}
