import { codeTable } from '../diagnostics/codes.js';

/** Formatter diagnostics (MTC60xx): `mtc fmt` and the Prettier plugin. */
export const formatCodes = codeTable({
  MTC6001: {
    name: 'unformatted-file',
    severity: 'error',
    summary: 'A rule file is not in the canonical layout (`mtc fmt --check`)',
    docs: '`mtc fmt --check` found a file whose text differs from what `mtc fmt` would write. Run `mtc fmt PATH` (or `prettier --plugin=./dist/format/plugin.js --write PATH`) and commit the result. The check changes nothing on disk.',
  },
  MTC6002: {
    name: 'fmt-io-error',
    severity: 'error',
    summary: 'A file or directory given to `mtc fmt` cannot be read or written',
    docs: '`mtc fmt` reads every `*.mtc` file under the paths it is given (default `rules/`) and rewrites changed files in place by writing a temporary file in the same directory and renaming it over the original, so a failure never leaves a half-written file. A symlinked rule file is rewritten through: its target is replaced and the symlink stays. Only regular files inside the project root (the current directory, or `--root`) are read and written, at most the rule-file size limit: a symlink out of the root, a FIFO or a device is reported here and not touched. Check that the path exists and that the directory is writable.',
  },
  MTC6003: {
    name: 'fmt-syntax-errors',
    severity: 'error',
    summary: 'A file with syntax errors, or not valid UTF-8, is left untouched by the formatter',
    docs: 'The formatter only rewrites files that parse without errors, so that no text is ever lost. A file that is not valid UTF-8 is refused as `mtc check` refuses it (MTC0011, at the first bad byte): decoding it would replace each bad byte by U+FFFD and writing it back would corrupt it. The errors are printed above this note; fix them and run `mtc fmt` again.',
  },
  MTC6004: {
    name: 'fmt-not-preserving',
    severity: 'error',
    summary: 'The formatter produced text that does not mean the same as the input; the file is left untouched',
    docs: 'After formatting, `mtc fmt` parses its own output and compares it with the input: same statements, registers, numbers (by value), strings (joined), attributes and every comment. If anything differs the file is not written and this error is reported. It is a bug in the formatter: please report it with the file. `// mtc-fmt: ignore` before the statement keeps it verbatim in the meantime.',
  },
  MTC6005: {
    name: 'fmt-config-not-used',
    severity: 'warning',
    summary: 'A Prettier config that `mtc fmt` does not run or cannot read; the default layout is used',
    docs: '`mtc fmt` reads the layout options (printWidth, tabWidth, useTabs, endOfLine) of a static Prettier config: `.prettierrc` (JSON or YAML), `.prettierrc.json`, `.prettierrc.yaml`/`.yml`, or the `prettier` object of package.json, from the file\'s directory up to the project root. It never runs `.prettierrc.js`/`.cjs`/`.mjs`/`.ts` or `prettier.config.*`: rule trees come from pull requests, and formatting them must not execute their code. Such a config, or a static one that cannot be read or parsed, is reported and the default layout used. Move the options into a static config.',
  },
});

export type FormatCode = keyof typeof formatCodes;
