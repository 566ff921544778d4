import {
  EmbeddedActionsParser,
  EOF,
  Lexer,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type * as A from './ast.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from './source.js';
import { defaultLimits, type Limits } from '../util/limits.js';
import * as T from './tokens.js';
import { parseNumberText, parseVersionText, decodeString } from './literals.js';
import { closest } from '../util/words.js';

/** Where junk is skipped: what counts as the start of the next good statement. */
const enum JunkContext {
  Top = 0,
  Body = 1,
  Attributes = 2,
}

const topStarts = new Set<TokenType>([T.Machine, T.Include, T.Target, T.Compat]);
const bodyStarts = new Set<TokenType>([T.Hide, T.Tolerate, T.Set, T.Allow, T.Requires, T.Use]);

const ruleHelp: Record<string, string> = {
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

/**
 * End offset (exclusive) of a token. The lexer tracks only start offsets (the
 * cheapest mode); Chevrotain's own end offsets would be inclusive. This is the
 * one place a token's end is computed.
 */
export function tokenEnd(tok: IToken): number {
  return tok.startOffset + tok.image.length;
}

/** A token as it appears in our messages. */
export function describeToken(tok: IToken): string {
  if (tok.tokenType === EOF) return 'end of file';
  let image = tok.image;
  if (image.length > 32) image = image.slice(0, 29) + '...';
  image = image.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
  if (tok.tokenType === T.StringTok) return `string ${image}`;
  return `\`${image}\``;
}

const messages: IParserErrorMessageProvider = {
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

type Clause = A.KernelRange | A.ValueTest;
interface Tail {
  readonly attributes: A.Attribute[];
  readonly end: number;
}

/**
 * The mtc parser. One instance serves the whole process (Chevrotain's grammar
 * analysis is costly); `parse()` resets its state for each file. Error recovery
 * is on, and junk statements are skipped by hand, so a file with many errors
 * reports all of them and still yields a partial AST.
 */
class MtcParser extends EmbeddedActionsParser {
  private src: SourceFile = new SourceFile('', '');
  private extra: Diagnostic[] = [];
  /** Top-level statements parsed so far; kept outside the rule so that an aborted parse keeps them. */
  statements: A.TopStatement[] = [];

  constructor(validateGrammar: boolean) {
    super(T.allTokens as TokenType[], {
      recoveryEnabled: true,
      maxLookahead: 1,
      errorMessageProvider: messages,
      // Grammar validation costs start-up time on every run; a test builds a
      // validating instance so that grammar mistakes are still caught.
      skipValidations: !validateGrammar,
    });
    this.performSelfAnalysis();
  }

  load(src: SourceFile, tokens: IToken[]): void {
    this.src = src;
    this.extra = [];
    this.statements = [];
    this.input = tokens;
  }

  takeExtraDiagnostics(): Diagnostic[] {
    return this.extra;
  }

  // ---- positions -------------------------------------------------------

  private startOf(tok: IToken): number {
    if (tok.isInsertedInRecovery || Number.isNaN(tok.startOffset)) return this.prevEnd();
    return tok.startOffset;
  }

  /** Chevrotain end offsets are inclusive; this is the one place they become exclusive. */
  private endOf(tok: IToken): number {
    if (tok.isInsertedInRecovery || Number.isNaN(tok.startOffset)) return this.prevEnd();
    return tokenEnd(tok);
  }

  private prevEnd(): number {
    const prev = this.LA(0);
    if (!prev || prev.tokenType === EOF || Number.isNaN(prev.startOffset)) return 0;
    return tokenEnd(prev);
  }

  private span(start: number, end: number) {
    return this.src.span(start, end);
  }

  private ident(tok: IToken): A.Identifier {
    return { kind: 'Identifier', name: tok.isInsertedInRecovery ? '' : tok.image, span: this.span(this.startOf(tok), this.endOf(tok)) };
  }

  private num(tok: IToken): A.NumberLiteral {
    const span = this.span(this.startOf(tok), this.endOf(tok));
    if (tok.isInsertedInRecovery) return { kind: 'NumberLiteral', text: '', value: undefined, span };
    const parsed = parseNumberText(tok.image);
    if (parsed.error) {
      this.extra.push({
        code: 'MTC0007',
        severity: 'error',
        message: parsed.error,
        file: this.src.path,
        span,
        label: 'not a valid number',
        help: 'write a decimal number (`3`) or a hexadecimal one with `0x` (`0x603000000013c103`)',
      });
    }
    return { kind: 'NumberLiteral', text: tok.image, value: parsed.value, span };
  }

  private version(tok: IToken): A.Version {
    const span = this.span(this.startOf(tok), this.endOf(tok));
    if (tok.isInsertedInRecovery) return { kind: 'Version', text: '', parts: [], span };
    const parts = parseVersionText(tok.image);
    if (!parts) {
      this.extra.push({
        code: 'MTC0008',
        severity: 'error',
        message: `\`${tok.image.slice(0, 40)}\` is not a kernel version`,
        file: this.src.path,
        span,
        label: 'expected a version such as `6.15`',
        help: 'write two or three dot-separated numbers: `6.15`, `6.12.40`',
      });
    }
    return { kind: 'Version', text: tok.image, parts: parts ?? [], span };
  }

  private strings(toks: IToken[]): A.StringLiteral {
    const start = this.startOf(toks[0]);
    const end = this.endOf(toks[toks.length - 1]);
    let value = '';
    const pieces: string[] = [];
    for (const tok of toks) {
      if (tok.isInsertedInRecovery) continue;
      pieces.push(tok.image);
      const d = decodeString(tok.image);
      value += d.value;
      for (const bad of d.badEscapes) {
        this.extra.push({
          code: 'MTC0003',
          severity: 'error',
          message: `unknown escape sequence \`${bad.text}\` in a string`,
          file: this.src.path,
          span: this.span(tok.startOffset + bad.offset, tok.startOffset + bad.offset + bad.text.length),
          label: 'unknown escape',
          help: 'use `\\\\` for a backslash, `\\"` for a quote, `\\n`, `\\t` or `\\u{HEX}`',
        });
      }
    }
    return { kind: 'StringLiteral', value, pieces, span: this.span(start, end) };
  }

  private missing(what: string, purpose: string, help: string): void {
    const at = this.prevEnd();
    this.extra.push({
      code: 'MTC0004',
      severity: 'error',
      message: `expected ${what} ${purpose}, found ${describeToken(this.LA(1))}`,
      file: this.src.path,
      span: this.span(at, at),
      label: `expected ${what} here`,
      help,
    });
  }

  // ---- junk skipping ---------------------------------------------------

  /**
   * Reports one diagnostic for a statement that cannot start here, then skips
   * it: up to and including its `;`, or over its balanced `{ ... }` block, or
   * up to the next token that starts a good statement.
   */
  private skipJunk(first: IToken, ctx: JunkContext): void {
    const starts = ctx === JunkContext.Top ? topStarts : ctx === JunkContext.Body ? bodyStarts : new Set<TokenType>();
    const expected =
      ctx === JunkContext.Top
        ? '`machine`, `compat`, `include` or `target`'
        : ctx === JunkContext.Body
          ? 'a rule (`hide`, `tolerate`, `set`, `use`, `allow` or `requires`)'
          : 'an attribute (`reason` or `ref`)';
    const start = this.startOf(first);
    let end = this.endOf(first);
    let depth = first.tokenType === T.LCurly ? 1 : 0;
    let done = first.tokenType === T.Semi && depth === 0;
    while (!done) {
      const next = this.LA(1);
      const tt = next.tokenType;
      if (tt === EOF) break;
      if (depth === 0 && (starts.has(tt) || tt === T.RCurly)) break;
      if (ctx !== JunkContext.Top && depth === 0 && (topStarts.has(tt))) break;
      this.SKIP_TOKEN();
      end = tokenEnd(next);
      if (tt === T.LCurly) depth++;
      else if (tt === T.RCurly) {
        depth--;
        if (depth === 0) done = true;
      } else if (tt === T.Semi && depth === 0) done = true;
    }
    // Chevrotain already reported an error at this token and re-synchronised here: one report is enough.
    if (this.errors.some((e) => e.token.startOffset === first.startOffset)) return;
    const what =
      ctx === JunkContext.Body && first.tokenType === T.Ident
        ? `unknown rule \`${first.image.slice(0, 40)}\``
        : `unexpected ${describeToken(first)}`;
    this.extra.push({
      code: 'MTC0005',
      severity: 'error',
      message: `${what}: expected ${expected}`,
      file: this.src.path,
      span: this.span(start, this.endOf(first)),
      label: end > this.endOf(first) ? 'this statement is skipped' : 'not expected here',
      help:
        ctx === JunkContext.Top
          ? ruleHelp.file
          : ctx === JunkContext.Body
            ? suggestKeyword(first.image, ['hide', 'tolerate', 'set', 'use', 'allow', 'requires']) ??
              'rules inside a machine type start with `hide`, `tolerate`, `set`, `use`, `allow` or `requires`'
            : ruleHelp.attribute,
    });
  }

  private junk = this.RULE('junk', (ctx: JunkContext) => {
    const first = this.CONSUME(T.Any);
    this.ACTION(() => this.skipJunk(first, ctx));
  });

  // ---- grammar ---------------------------------------------------------

  public file = this.RULE('file', () => {
    const statements = this.statements;
    this.MANY(() => {
      const s = this.OR({
        DEF: [
          { ALT: () => this.SUBRULE(this.machine) },
          { ALT: () => this.SUBRULE(this.include) },
          { ALT: () => this.SUBRULE(this.target) },
          { ALT: () => this.SUBRULE(this.compatSet) },
          {
            ALT: () => {
              this.SUBRULE(this.junk, { ARGS: [JunkContext.Top] });
              return undefined;
            },
            IGNORE_AMBIGUITIES: true,
          },
        ],
        ERR_MSG: '`machine`, `compat`, `include` or `target`',
      });
      this.ACTION(() => {
        if (s) statements.push(s);
      });
    });
    return statements;
  });

  private include = this.RULE('include', (): A.Include => {
    const kw = this.CONSUME(T.Include);
    const path = this.SUBRULE(this.stringLit);
    const semi = this.CONSUME(T.Semi);
    return this.ACTION(() => ({
      kind: 'Include' as const,
      path,
      span: this.span(this.startOf(kw), this.endOf(semi)),
    }));
  });

  private target = this.RULE('target', (): A.Target => {
    const kw = this.CONSUME(T.Target);
    const name = this.CONSUME(T.Ident);
    const semi = this.CONSUME(T.Semi);
    return this.ACTION(() => ({
      kind: 'Target' as const,
      name: name.isInsertedInRecovery ? undefined : this.ident(name),
      span: this.span(this.startOf(kw), this.endOf(semi)),
    }));
  });

  private machine = this.RULE('machine', (): A.Machine => {
    const kw = this.CONSUME(T.Machine);
    const name = this.CONSUME(T.Ident);
    let parent: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Inherits);
      parent = this.CONSUME2(T.Ident);
    });
    const body: A.MachineStatement[] = [];
    let bodyless = false;
    let endTok: IToken | undefined;
    this.OR({
      DEF: [
        {
          ALT: () => {
            endTok = this.CONSUME(T.Semi);
            bodyless = true;
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LCurly);
            this.MANY({
              GATE: () => this.LA(1).tokenType !== T.RCurly && !topStarts.has(this.LA(1).tokenType),
              DEF: () => {
                const st = this.OR2({
                  DEF: [
                    { ALT: () => this.SUBRULE(this.hide) },
                    { ALT: () => this.SUBRULE(this.tolerate) },
                    { ALT: () => this.SUBRULE(this.set) },
                    { ALT: () => this.SUBRULE(this.allow) },
                    { ALT: () => this.SUBRULE(this.requires) },
                    { ALT: () => this.SUBRULE(this.use) },
                    {
                      ALT: () => {
                        this.SUBRULE2(this.junk, { ARGS: [JunkContext.Body] });
                        return undefined;
                      },
                      IGNORE_AMBIGUITIES: true,
                    },
                  ],
                  ERR_MSG: 'a rule (`hide`, `tolerate`, `set`, `use`, `allow` or `requires`)',
                });
                this.ACTION(() => {
                  if (st) body.push(st);
                });
              },
            });
            this.OR3([
              { ALT: () => (endTok = this.CONSUME(T.RCurly)) },
              {
                ALT: () => {
                  this.ACTION(() =>
                    this.missing('`}`', `to close machine type \`${name.image}\``, ruleHelp.machine),
                  );
                },
              },
            ]);
          },
        },
      ],
      ERR_MSG: '`{` or `;` after the machine type name',
    });
    return this.ACTION(() => ({
      kind: 'Machine' as const,
      name: name.isInsertedInRecovery ? undefined : this.ident(name),
      inherits: parent && !parent.isInsertedInRecovery ? this.ident(parent) : undefined,
      body,
      bodyless,
      span: this.span(this.startOf(kw), endTok ? this.endOf(endTok) : this.prevEnd()),
    }));
  });

  private clauses = this.RULE('clauses', (): Clause[] => {
    const out: Clause[] = [];
    this.MANY(() => {
      const c = this.OR([{ ALT: () => this.SUBRULE(this.kernelRange) }, { ALT: () => this.SUBRULE(this.valueTest) }]);
      this.ACTION(() => {
        if (c) out.push(c);
      });
    });
    return out;
  });

  private hide = this.RULE('hide', (): A.Hide => {
    const kw = this.CONSUME(T.Hide);
    const registers = this.SUBRULE(this.regList);
    const clauses = this.SUBRULE(this.clauses);
    const tail = this.SUBRULE(this.ruleTail);
    this.ACTION(() => this.checkClauses(clauses, false));
    return this.ACTION(() => ({
      kind: 'Hide' as const,
      registers: registers ?? [],
      range: this.pickRange(clauses),
      attributes: tail?.attributes ?? [],
      span: this.span(this.startOf(kw), tail?.end ?? this.prevEnd()),
    }));
  });

  private tolerate = this.RULE('tolerate', (): A.Tolerate => {
    const kw = this.CONSUME(T.Tolerate);
    const registers = this.SUBRULE(this.regList);
    const clauses = this.SUBRULE(this.clauses);
    const tail = this.SUBRULE(this.ruleTail);
    this.ACTION(() => this.checkClauses(clauses, true));
    return this.ACTION(() => ({
      kind: 'Tolerate' as const,
      registers: registers ?? [],
      range: this.pickRange(clauses),
      test: (clauses ?? []).find((c): c is A.ValueTest => c.kind === 'ValueTest'),
      attributes: tail?.attributes ?? [],
      span: this.span(this.startOf(kw), tail?.end ?? this.prevEnd()),
    }));
  });

  private set = this.RULE('set', (): A.SetProperty => {
    const kw = this.CONSUME(T.Set);
    const target = this.CONSUME(T.Ident);
    this.CONSUME(T.Eq);
    const value = this.OR({
      DEF: [
        { ALT: () => this.ident(this.CONSUME2(T.Ident)) },
        { ALT: () => this.SUBRULE(this.stringLit) },
        { ALT: () => this.num(this.CONSUME(T.NumberTok)) },
        // Shared compat sets (issue 15): `optional` is a keyword, and still a valid value word.
        { ALT: () => this.ident(this.CONSUME2(T.Optional)) },
      ],
      ERR_MSG: 'a property value (a word, a number or a string)',
    });
    let optional: IToken | undefined;
    this.OPTION(() => {
      optional = this.CONSUME(T.Optional);
    });
    const clauses = this.SUBRULE(this.clauses);
    const tail = this.SUBRULE(this.ruleTail);
    this.ACTION(() => this.checkClauses(clauses, false));
    return this.ACTION(() => {
      const t = target.isInsertedInRecovery ? undefined : this.ident(target);
      const dot = t ? t.name.indexOf('.') : -1;
      return {
        kind: 'SetProperty' as const,
        target: t,
        driver: t && dot > 0 ? t.name.slice(0, dot) : undefined,
        property: t && dot > 0 ? t.name.slice(dot + 1) : undefined,
        value,
        ...(optional && !optional.isInsertedInRecovery ? { optional: this.ident(optional) } : {}),
        range: this.pickRange(clauses),
        attributes: tail?.attributes ?? [],
        span: this.span(this.startOf(kw), tail?.end ?? this.prevEnd()),
      };
    });
  });

  private allow = this.RULE('allow', (): A.Allow => {
    const kw = this.CONSUME(T.Allow);
    this.CONSUME(T.Cpu);
    const midr = this.CONSUME(T.NumberTok);
    let revidr: IToken | undefined;
    let aidr: IToken | undefined;
    const clauses: Clause[] = [];
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const k = this.CONSUME(T.Revidr);
            const v = this.CONSUME2(T.NumberTok);
            this.ACTION(() => {
              if (revidr) this.duplicateClause(k, 'revidr');
              revidr = v;
            });
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(T.Aidr);
            const v = this.CONSUME3(T.NumberTok);
            this.ACTION(() => {
              if (aidr) this.duplicateClause(k, 'aidr');
              aidr = v;
            });
          },
        },
        {
          ALT: () => {
            const r = this.SUBRULE(this.kernelRange);
            this.ACTION(() => {
              if (r) clauses.push(r);
            });
          },
        },
      ]);
    });
    const tail = this.SUBRULE(this.ruleTail);
    this.ACTION(() => this.checkClauses(clauses, false));
    return this.ACTION(() => ({
      kind: 'Allow' as const,
      midr: midr.isInsertedInRecovery ? undefined : this.num(midr),
      revidr: revidr && !revidr.isInsertedInRecovery ? this.num(revidr) : undefined,
      aidr: aidr && !aidr.isInsertedInRecovery ? this.num(aidr) : undefined,
      range: this.pickRange(clauses),
      attributes: tail?.attributes ?? [],
      span: this.span(this.startOf(kw), tail?.end ?? this.prevEnd()),
    }));
  });

  private requires = this.RULE('requires', (): A.Requires => {
    const kw = this.CONSUME(T.Requires);
    this.CONSUME(T.Kernel);
    const v = this.CONSUME(T.NumberTok);
    const tail = this.SUBRULE(this.ruleTail);
    return this.ACTION(() => ({
      kind: 'Requires' as const,
      version: v.isInsertedInRecovery ? undefined : this.version(v),
      range: undefined,
      attributes: tail?.attributes ?? [],
      span: this.span(this.startOf(kw), tail?.end ?? this.prevEnd()),
    }));
  });

  private kernelRange = this.RULE('kernelRange', (): A.KernelRange => {
    let from: IToken | undefined;
    let to: IToken | undefined;
    let first!: IToken;
    let last!: IToken;
    this.OR({
      DEF: [
        {
          ALT: () => {
            first = this.CONSUME(T.Since);
            from = last = this.CONSUME(T.NumberTok);
          },
        },
        {
          ALT: () => {
            first = this.CONSUME(T.Kernel);
            this.OR2([
              {
                ALT: () => {
                  from = last = this.CONSUME2(T.NumberTok);
                  this.OPTION(() => {
                    last = this.CONSUME(T.DotDot);
                    this.OPTION2(() => {
                      to = last = this.CONSUME3(T.NumberTok);
                    });
                  });
                  this.ACTION(() => {
                    // `kernel 6.15` without `..` names one version.
                    if (last === from) to = from;
                  });
                },
              },
              {
                ALT: () => {
                  this.CONSUME2(T.DotDot);
                  to = last = this.CONSUME4(T.NumberTok);
                },
              },
            ]);
          },
        },
      ],
      ERR_MSG: 'a kernel range (`since 6.15` or `kernel 6.5..6.12`)',
    });
    return this.ACTION(() => ({
      kind: 'KernelRange' as const,
      from: from && !from.isInsertedInRecovery ? this.version(from) : undefined,
      to: to && !to.isInsertedInRecovery ? this.version(to) : undefined,
      span: this.span(this.startOf(first), this.endOf(last)),
    }));
  });

  private valueTest = this.RULE('valueTest', (): A.ValueTest => {
    const kw = this.CONSUME(T.When);
    this.CONSUME(T.Value);
    this.CONSUME(T.Amp);
    const mask = this.CONSUME(T.NumberTok);
    this.CONSUME(T.EqEq);
    const value = this.CONSUME2(T.NumberTok);
    return this.ACTION(() => ({
      kind: 'ValueTest' as const,
      mask: mask.isInsertedInRecovery ? undefined : this.num(mask),
      value: value.isInsertedInRecovery ? undefined : this.num(value),
      span: this.span(this.startOf(kw), this.endOf(value)),
    }));
  });

  private ruleTail = this.RULE('ruleTail', (): Tail => {
    const attributes: A.Attribute[] = [];
    let endTok: IToken | undefined;
    this.OR({
      DEF: [
        { ALT: () => (endTok = this.CONSUME(T.Semi)) },
        {
          ALT: () => {
            this.CONSUME(T.LCurly);
            this.MANY({
              GATE: () => this.LA(1).tokenType !== T.RCurly,
              DEF: () => {
                const a = this.OR2([
                  { ALT: () => this.SUBRULE(this.attribute) },
                  {
                    ALT: () => {
                      this.SUBRULE(this.junk, { ARGS: [JunkContext.Attributes] });
                      return undefined;
                    },
                    IGNORE_AMBIGUITIES: true,
                  },
                ]);
                this.ACTION(() => {
                  if (a) attributes.push(a);
                });
              },
            });
            endTok = this.CONSUME(T.RCurly);
          },
        },
        {
          // Nothing that ends a rule: report the missing `;` and carry on with the next statement.
          ALT: () => {
            this.ACTION(() => this.missing('`;`', 'to end the rule', ruleHelp.ruleTail));
          },
        },
      ],
    });
    return this.ACTION(() => ({ attributes, end: endTok ? this.endOf(endTok) : this.prevEnd() }));
  });

  private attribute = this.RULE('attribute', (): A.Attribute => {
    const name = this.CONSUME(T.AttrName);
    const values: (A.Identifier | A.StringLiteral | A.NumberLiteral)[] = [];
    this.MANY(() => {
      const v = this.OR([
        { ALT: () => this.ident(this.CONSUME(T.Ident)) },
        { ALT: () => this.SUBRULE(this.stringLit) },
        { ALT: () => this.num(this.CONSUME(T.NumberTok)) },
      ]);
      this.ACTION(() => values.push(v));
    });
    const semi = this.CONSUME(T.Semi);
    return this.ACTION(() => ({
      kind: 'Attribute' as const,
      name: this.ident(name),
      values,
      span: this.span(this.startOf(name), this.endOf(semi)),
    }));
  });

  private regList = this.RULE('regList', (): A.RegisterRef[] => {
    const regs: A.RegisterRef[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const r = this.SUBRULE(this.regRef);
        this.ACTION(() => {
          if (r) regs.push(r);
        });
      },
      ERR_MSG: 'register',
    });
    return regs;
  });

  private regRef = this.RULE('regRef', (): A.RegisterRef => {
    return this.OR({
      DEF: [
        {
          ALT: () => {
            const t = this.CONSUME(T.Ident);
            let id: IToken | undefined;
            let close: IToken | undefined;
            this.OPTION(() => {
              this.CONSUME(T.LParen);
              id = this.CONSUME2(T.NumberTok);
              close = this.CONSUME(T.RParen);
            });
            return this.ACTION(() => ({
              kind: 'RegisterName' as const,
              name: t.image,
              expectedId: id && !id.isInsertedInRecovery ? this.num(id) : undefined,
              span: this.span(this.startOf(t), close ? this.endOf(close) : this.endOf(t)),
            }));
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(T.NumberTok);
            return this.ACTION(() => {
              const literal = this.num(t);
              return { kind: 'RegisterId' as const, literal, span: literal.span };
            });
          },
        },
        { ALT: () => this.SUBRULE(this.tuple) },
      ],
      ERR_MSG: 'a register (a name, an id or `sysreg(...)`)',
    });
  });

  private tuple = this.RULE('tuple', (): A.RegisterTuple => {
    const kw = this.CONSUME(T.Sysreg);
    this.CONSUME(T.LParen);
    const fields: A.NumberLiteral[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const n = this.CONSUME(T.NumberTok);
        this.ACTION(() => fields.push(this.num(n)));
      },
      ERR_MSG: 'encoding field',
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => ({
      kind: 'RegisterTuple' as const,
      space: 'sysreg',
      fields,
      span: this.span(this.startOf(kw), this.endOf(close)),
    }));
  });

  private stringLit = this.RULE('stringLit', (): A.StringLiteral => {
    const toks: IToken[] = [];
    this.AT_LEAST_ONE({
      DEF: () => {
        const t = this.CONSUME(T.StringTok);
        this.ACTION(() => toks.push(t));
      },
      ERR_MSG: 'string',
    });
    return this.ACTION(() => this.strings(toks));
  });

  // ---- shared compat sets (issue 15) --------------------------------------

  /** `compat NAME { set ...; }`: its body takes the rules a machine body takes; validation keeps only `set`. */
  private compatSet = this.RULE('compatSet', (): A.CompatSet => {
    const kw = this.CONSUME(T.Compat);
    const name = this.CONSUME(T.Ident);
    const body: A.MachineStatement[] = [];
    let endTok: IToken | undefined;
    this.CONSUME(T.LCurly);
    this.MANY({
      GATE: () => this.LA(1).tokenType !== T.RCurly && !topStarts.has(this.LA(1).tokenType),
      DEF: () => {
        const st = this.OR({
          DEF: [
            { ALT: () => this.SUBRULE(this.set) },
            { ALT: () => this.SUBRULE(this.hide) },
            { ALT: () => this.SUBRULE(this.tolerate) },
            { ALT: () => this.SUBRULE(this.allow) },
            { ALT: () => this.SUBRULE(this.requires) },
            { ALT: () => this.SUBRULE(this.use) },
            {
              ALT: () => {
                this.SUBRULE(this.junk, { ARGS: [JunkContext.Body] });
                return undefined;
              },
              IGNORE_AMBIGUITIES: true,
            },
          ],
          ERR_MSG: 'a `set` rule',
        });
        this.ACTION(() => {
          if (st) body.push(st);
        });
      },
    });
    this.OR2([
      { ALT: () => (endTok = this.CONSUME(T.RCurly)) },
      {
        ALT: () => {
          this.ACTION(() => this.missing('`}`', `to close compat set \`${name.image}\``, ruleHelp.compatSet));
        },
      },
    ]);
    return this.ACTION(() => ({
      kind: 'CompatSet' as const,
      name: name.isInsertedInRecovery ? undefined : this.ident(name),
      body,
      span: this.span(this.startOf(kw), endTok ? this.endOf(endTok) : this.prevEnd()),
    }));
  });

  /** `use NAME;` inside a machine type. */
  private use = this.RULE('use', (): A.Use => {
    const kw = this.CONSUME(T.Use);
    const name = this.CONSUME(T.Ident);
    const tail = this.SUBRULE(this.ruleTail);
    return this.ACTION(() => ({
      kind: 'Use' as const,
      name: name.isInsertedInRecovery ? undefined : this.ident(name),
      range: undefined,
      attributes: tail?.attributes ?? [],
      span: this.span(this.startOf(kw), tail?.end ?? this.prevEnd()),
    }));
  });

  // ---- clause bookkeeping ------------------------------------------------

  private pickRange(clauses: Clause[] | undefined): A.KernelRange | undefined {
    return (clauses ?? []).find((c): c is A.KernelRange => c.kind === 'KernelRange');
  }

  private duplicateClause(tok: IToken, what: string): void {
    this.extra.push({
      code: 'MTC1009',
      severity: 'error',
      message: `\`${what}\` is given twice in one rule`,
      file: this.src.path,
      span: this.span(this.startOf(tok), this.endOf(tok)),
      label: 'second one here',
      help: `keep one \`${what}\``,
    });
  }

  /** Reports clauses that are repeated or not allowed on this rule; returns nothing to spread. */
  private checkClauses(clauses: Clause[] | undefined, testAllowed: boolean): void {
    let range = false;
    let test = false;
    for (const c of clauses ?? []) {
      if (c.kind === 'KernelRange') {
        if (range) this.clauseError(c, 'a rule has at most one kernel range', 'merge the ranges into one');
        range = true;
      } else {
        if (!testAllowed)
          this.clauseError(c, 'only `tolerate` rules take a `when value & MASK == VALUE` test', 'remove the test');
        else if (test) this.clauseError(c, 'a rule has at most one value test', 'keep one test');
        test = true;
      }
    }
  }

  private clauseError(c: Clause, message: string, help: string): void {
    this.extra.push({ code: 'MTC1009', severity: 'error', message, file: this.src.path, span: c.span, label: 'here', help });
  }
}

function suggestKeyword(word: string, options: string[]): string | undefined {
  const best = closest(word, options, 2);
  return best ? `did you mean \`${best}\`?` : undefined;
}

let instance: MtcParser | undefined;
function parserInstance(): MtcParser {
  instance ??= new MtcParser(false);
  return instance;
}

/** Builds a parser with Chevrotain's grammar validations on; throws on a grammar defect (for tests). */
export function validateGrammar(): void {
  new MtcParser(true);
  makeLexer(true);
}

function makeLexer(validate: boolean): Lexer {
  return new Lexer(T.allTokens as TokenType[], {
    positionTracking: 'onlyOffset',
    ensureOptimizations: validate,
    // As for the parser: validated by a test, not on every start.
    skipValidations: !validate,
  });
}

let lexerInstance: Lexer | undefined;
function lexerSingleton(): Lexer {
  lexerInstance ??= makeLexer(false);
  return lexerInstance;
}

export interface ParseResult {
  readonly ast: A.File;
  readonly source: SourceFile;
  readonly diagnostics: Diagnostic[];
}

export interface ParseOptions {
  readonly limits?: Limits;
}

/** Text → tokens → AST. Never throws on any input; problems come back as diagnostics. */
export function parseSource(source: SourceFile, options: ParseOptions = {}): ParseResult {
  const limits = options.limits ?? defaultLimits;
  const diagnostics: Diagnostic[] = [];
  const path = source.path;
  const emptyFile = (): A.File => ({
    kind: 'File',
    path,
    statements: [],
    comments: [],
    span: source.span(0, source.text.length),
  });
  if (source.text.length > limits.maxFileBytes) {
    diagnostics.push({
      code: 'MTC0009',
      severity: 'error',
      message: `file is larger than the limit of ${limits.maxFileBytes} bytes`,
      file: path,
      span: source.span(0, 0),
      help: 'split the rules into several files joined with `include`, or raise --max-file-size',
    });
    return { ast: emptyFile(), source, diagnostics };
  }
  const lexed = lexerSingleton().tokenize(source.text);
  // Characters no token matches: Chevrotain drops each run of them and reports it once.
  for (const e of lexed.errors.slice(0, MAX_SYNTAX_DIAGNOSTICS + 1)) {
    const text = source.text.slice(e.offset, e.offset + e.length);
    const shown = text.length > 16 ? text.slice(0, 16) + '...' : text;
    diagnostics.push({
      code: 'MTC0001',
      severity: 'error',
      message: `invalid character${text.length > 1 ? 's' : ''} ${JSON.stringify(shown)}`,
      file: path,
      span: source.span(e.offset, e.offset + e.length),
      label: 'not part of the language',
      help: text.startsWith('#') || text.startsWith('/*') ? 'comments start with `//`' : 'remove it',
    });
  }
  if (lexed.tokens.length > limits.maxTokens) {
    diagnostics.push({
      code: 'MTC0010',
      severity: 'error',
      message: `file has ${lexed.tokens.length} tokens, more than the limit of ${limits.maxTokens}`,
      file: path,
      span: source.span(0, 0),
      help: 'split the rules into several files, or raise --max-tokens',
    });
    return { ast: emptyFile(), source, diagnostics };
  }
  const tokens: IToken[] = [];
  for (const tok of lexed.tokens) {
    if (tok.tokenType === T.UnterminatedString) {
      diagnostics.push({
        code: 'MTC0002',
        severity: 'error',
        message: 'string is not closed before the end of the line',
        file: path,
        span: source.span(tok.startOffset, tokenEnd(tok)),
        label: 'this string has no closing `"`',
        help: 'add the closing `"`; split long text into several strings: `"part one " "part two"`',
      });
      // Parse on as if it were closed.
      (tok as { tokenType: TokenType }).tokenType = T.StringTok;
      (tok as { tokenTypeIdx: number }).tokenTypeIdx = T.StringTok.tokenTypeIdx!;
      (tok as { image: string }).image = tok.image.endsWith('\\') ? tok.image + '"' : tok.image + '"';
    }
    tokens.push(tok);
  }
  const comments: A.Comment[] = (lexed.groups.comments ?? []).map((c) => ({
    kind: 'Comment' as const,
    text: c.image.slice(2),
    span: source.span(c.startOffset, tokenEnd(c)),
  }));
  const parser = parserInstance();
  parser.load(source, tokens);
  parser.file();
  const statements = parser.statements;
  for (const x of parser.takeExtraDiagnostics()) diagnostics.push(x);
  for (const e of parser.errors) diagnostics.push(syntaxDiagnostic(e, source));
  return {
    ast: { kind: 'File', path, statements, comments, span: source.span(0, source.text.length) },
    source,
    diagnostics: capDiagnostics(diagnostics, lexed.errors.length, source),
  };
}

/** Most lexical and syntax diagnostics reported for one file. */
export const MAX_SYNTAX_DIAGNOSTICS = 200;

/** Keeps the first MAX_SYNTAX_DIAGNOSTICS (in file order) and says how many more there were. */
function capDiagnostics(diags: Diagnostic[], lexErrors: number, source: SourceFile): Diagnostic[] {
  const shownLex = Math.min(lexErrors, MAX_SYNTAX_DIAGNOSTICS + 1);
  const total = diags.length + (lexErrors - shownLex);
  if (total <= MAX_SYNTAX_DIAGNOSTICS) return diags;
  const kept = [...diags].sort((a, b) => (a.span?.start.offset ?? 0) - (b.span?.start.offset ?? 0)).slice(0, MAX_SYNTAX_DIAGNOSTICS);
  const last = kept[kept.length - 1]?.span?.end.offset ?? 0;
  kept.push({
    code: 'MTC0012',
    severity: 'error',
    message: `${total - MAX_SYNTAX_DIAGNOSTICS} more syntax errors in this file are not shown`,
    file: source.path,
    span: source.span(last, last),
    label: 'the listing stops here',
    help: 'is this a rule file? fix the errors above and check again',
  });
  return kept;
}

function syntaxDiagnostic(e: IRecognitionException, source: SourceFile): Diagnostic {
  const tok = e.token;
  const rule = e.context.ruleStack[e.context.ruleStack.length - 1] ?? 'file';
  const prev = (e as { previousToken?: IToken }).previousToken;
  const atEof = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
  let start = atEof ? source.text.length : tok.startOffset;
  let end = atEof ? source.text.length : tokenEnd(tok);
  const code =
    e.name === 'MismatchedTokenException' ? 'MTC0004' : e.name === 'EarlyExitException' ? 'MTC0006' : 'MTC0005';
  let label = atEof ? 'the file ends here' : 'found here';
  // A token missing at the end of a line is reported right after the previous token, as rustc does.
  if (code === 'MTC0004' && prev && prev.tokenType !== EOF && !Number.isNaN(prev.startOffset)) {
    const prevEnd = tokenEnd(prev);
    if (atEof || source.position(prevEnd).line < source.position(start).line) {
      start = end = prevEnd;
      label = 'expected here';
    }
  }
  return {
    code,
    severity: 'error',
    message: e.message,
    file: source.path,
    span: source.span(start, end),
    label,
    help: ruleHelp[rule] ?? ruleHelp.file,
  };
}

/** The grammar as Chevrotain sees it (for railroad diagrams and the committed snapshot). */
export function serializedGrammar() {
  return parserInstance().getSerializedGastProductions();
}
