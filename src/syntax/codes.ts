import { codeTable } from '../diagnostics/codes.js';

/** Lexical and syntax diagnostics (MTC00xx). */
export const syntaxCodes = codeTable({
  MTC0001: {
    name: 'invalid-character',
    severity: 'error',
    summary: 'Text that cannot start any token',
    docs: 'The lexer found characters that are not part of the language, such as `@`, `$`, control characters or a lone `.`. Comments start with `//`. The characters are skipped so that the rest of the file is still checked.',
  },
  MTC0002: {
    name: 'unterminated-string',
    severity: 'error',
    summary: 'A string literal is not closed before the end of its line',
    docs: 'Strings are written in double quotes on one line. For long reasons, write several strings one after another: `reason "first part " "second part";` (they are joined, as in C).',
  },
  MTC0003: {
    name: 'invalid-escape',
    severity: 'error',
    summary: 'An unknown escape sequence in a string',
    docs: 'Strings accept `\\\\`, `\\"`, `\\n`, `\\t` and `\\u{HEX}`. Any other backslash sequence is an error.',
  },
  MTC0004: {
    name: 'expected-token',
    severity: 'error',
    summary: 'A required token is missing',
    docs: 'The parser expected a particular token, for example the `;` that ends a rule or the `}` that closes a machine type. The parser inserts it and carries on, so later errors in the file are reported too.',
  },
  MTC0005: {
    name: 'unexpected-token',
    severity: 'error',
    summary: 'A token that cannot start or continue a statement here',
    docs: 'At the top level a file holds `machine`, `include` and `target` statements; inside a machine type, rules start with `hide`, `tolerate`, `set`, `allow` or `requires`. The statement is skipped up to its `;` or closing `}`.',
  },
  MTC0006: {
    name: 'expected-one-or-more',
    severity: 'error',
    summary: 'A list that needs at least one element is empty',
    docs: 'For example `hide;` names no register. Write at least one register: `hide TCR2_EL1;`.',
  },
  MTC0007: {
    name: 'malformed-number',
    severity: 'error',
    summary: 'A number that is not a valid decimal or hexadecimal integer, or does not fit in 64 bits',
    docs: 'Numbers are decimal (`3`) or hexadecimal with `0x` (`0x603000000013c103`); `_` may separate digit groups (`0x6030_0000_0013_c103`). Register ids, masks and values must fit in 64 bits, MIDR values in 32.',
  },
  MTC0008: {
    name: 'malformed-version',
    severity: 'error',
    summary: 'A kernel version that is not of the form `6.15` or `6.12.40`',
    docs: 'Kernel versions are two or three dot-separated decimal numbers: `since 6.15`, `kernel 6.5..6.12`, `requires kernel 5.19`.',
  },
  MTC0009: {
    name: 'file-too-large',
    severity: 'error',
    summary: 'The file is larger than the configured limit',
    docs: 'mtc refuses files above the size limit (default 32 MiB, `--max-file-size`) so that a hostile input cannot exhaust memory. Split large rule sets with `include`.',
  },
  MTC0010: {
    name: 'too-many-tokens',
    severity: 'error',
    summary: 'The file has more tokens than the configured limit',
    docs: 'mtc stops reading a file after the token limit (default 4,000,000) so that a hostile input cannot exhaust memory.',
  },
  MTC0012: {
    name: 'too-many-errors',
    severity: 'error',
    summary: 'A file has so many problems that only the first ones are reported',
    docs: 'After 200 lexical and syntax errors in one file, or 500 problems found by the checks, mtc stops listing them and reports how many more there were, so that a hostile or mistaken input cannot produce millions of messages. It is an error when an error was left out, else a warning, so the exit status stays what it would have been. A file with that many problems is usually not a rule file at all (a binary or a file given by mistake), or a generated one.',
  },
  MTC0011: {
    name: 'invalid-utf8',
    severity: 'error',
    summary: 'The file is not valid UTF-8',
    docs: 'Rule files are UTF-8 text. Bytes that are not valid UTF-8 (often a binary file given by mistake) are replaced by U+FFFD and reported once, at the first bad byte.',
  },
});
