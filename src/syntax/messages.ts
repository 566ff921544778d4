/**
 * What the parser says: help per grammar rule, how tokens are shown, the
 * messages Chevrotain's recogniser reports, and the syntax diagnostics the
 * parser's actions report. Messages are built only when there is a problem.
 */
import { EOF, type IParserErrorMessageProvider, type IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/source.js';
import * as T from './tokens.js';
import { closest } from '../util/words.js';

export const ruleHelp: Record<string, string> = {
  file: 'a rule file holds `machine`, `compat`, `include` and `target` statements',
  compatSet: 'a shared compat set is written `compat hw_compat_10_1 { set driver.property = value; ... }`',
  use: 'write `use NAME;` with the name of a `compat` set, for example `use hw_compat_10_1;`',
  machine: 'a machine type is written `machine virt-10.1 [inherits virt-10.2] { ... }` or `machine virt-11.0;`',
  include: 'write `include "other.mtc";`',
  target: 'write `target x-mig;` or `target tolerances;`',
  hide: 'write `hide REGISTER[, REGISTER...] [since VERSION] { reason "..."; }`',
  tolerate:
    'write `tolerate REGISTER[, ...] [when value & MASK == VALUE] [kernel FROM..TO] { reason "..."; }`',
  set: 'write `set driver.property = value [optional];`, for example `set arm-cpu.pauth = off;`',
  allow: 'write `allow cpu MIDR [revidr VALUE] [aidr VALUE];`, for example `allow cpu 0x413fd0c1;`',
  requires: 'write `requires kernel VERSION;`, for example `requires kernel 5.19;`',
  kernelRange: 'write `since 6.15`, `kernel 6.5..6.12`, `kernel 6.5..` or `kernel ..6.12`',
  valueTest: 'write `when value & MASK == VALUE`, for example `when value & 0xffffffffffffffff == 0`',
  ruleTail: 'end a rule with `;` or with a block of attributes: `{ reason "..."; ref linux "c0000e58c74e"; }`',
  attribute: 'an attribute is `reason "...";` or `ref KIND "VALUE";`',
  regRef:
    'a register is a name (`TCR2_EL1`, `S3_0_C2_C0_3`), a name with its id (`TCR2_EL1 (0x603000000013c103)`), an id (`0x603000000013c103`) or `sysreg(3, 0, 2, 0, 3)`',
  regList: 'separate registers with commas: `hide TCR2_EL1, PIR_EL1;`',
  stringLit: 'strings are written in double quotes',
  tuple: 'write `sysreg(op0, op1, CRn, CRm, op2)`',
};

/** A token as it appears in our messages. */
export function describeToken(tok: IToken): string {
  if (tok.tokenType === EOF) return 'end of file';
  let image = tok.image;
  if (image.length > 32) image = image.slice(0, 29) + '...';
  image = image.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
  if (tok.tokenType === T.StringTok) return `string ${image}`;
  return `\`${image}\``;
}

/** Chevrotain's recognition errors in our words. */
export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${T.describeTokenType(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)} after the last statement`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, customUserDescription }) {
    const found = describeToken(actual[0]);
    if (customUserDescription) return `expected ${customUserDescription}, found ${found}`;
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(T.describeTokenType(path[0]));
    return `expected ${[...firsts].join(' or ')}, found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, customUserDescription }) {
    const found = describeToken(actual[0]);
    if (customUserDescription) return `expected at least one ${customUserDescription}, found ${found}`;
    const firsts = new Set<string>();
    for (const path of expectedIterationPaths) if (path[0]) firsts.add(T.describeTokenType(path[0]));
    return `expected at least one of ${[...firsts].join(', ')}, found ${found}`;
  },
};

export function suggestKeyword(word: string, options: string[]): string | undefined {
  const best = closest(word, options, 2);
  return best ? `did you mean \`${best}\`?` : undefined;
}

// ---- diagnostics reported by the parser's actions ---------------------------

export function badNumber(file: string, span: Span, error: string): Diagnostic {
  return {
    code: 'MTC0007',
    severity: 'error',
    message: error,
    file,
    span,
    label: 'not a valid number',
    help: 'write a decimal number (`3`) or a hexadecimal one with `0x` (`0x603000000013c103`)',
  };
}

export function badVersion(file: string, span: Span, image: string): Diagnostic {
  return {
    code: 'MTC0008',
    severity: 'error',
    message: `\`${image.slice(0, 40)}\` is not a kernel version`,
    file,
    span,
    label: 'expected a version such as `6.15`',
    help: 'write two or three dot-separated numbers: `6.15`, `6.12.40`',
  };
}

export function badEscape(file: string, span: Span, text: string): Diagnostic {
  return {
    code: 'MTC0003',
    severity: 'error',
    message: `unknown escape sequence \`${text}\` in a string`,
    file,
    span,
    label: 'unknown escape',
    help: 'use `\\\\` for a backslash, `\\"` for a quote, `\\n`, `\\t` or `\\u{HEX}`',
  };
}

export function missingToken(file: string, span: Span, what: string, purpose: string, found: IToken, help: string): Diagnostic {
  return {
    code: 'MTC0004',
    severity: 'error',
    message: `expected ${what} ${purpose}, found ${describeToken(found)}`,
    file,
    span,
    label: `expected ${what} here`,
    help,
  };
}

export function duplicateClause(file: string, span: Span, what: string): Diagnostic {
  return {
    code: 'MTC1009',
    severity: 'error',
    message: `\`${what}\` is given twice in one rule`,
    file,
    span,
    label: 'second one here',
    help: `keep one \`${what}\``,
  };
}

export function clauseError(file: string, span: Span, message: string, help: string): Diagnostic {
  return { code: 'MTC1009', severity: 'error', message, file, span, label: 'here', help };
}
