/**
 * The inner rules of the mtc grammar: clauses, rule tails and attributes,
 * register references, literals, and junk skipping, with the parser state
 * they share. grammar.ts extends this class with the statement rules; the
 * two are one Chevrotain parser (its rules must be fields of one object).
 *
 * Actions are plain code guarded by `this.RECORDING_PHASE` (what ACTION does,
 * without a closure per call): during Chevrotain's grammar recording CONSUME
 * and SUBRULE return placeholders that actions must not touch.
 */
import { EmbeddedActionsParser, EOF, type IOrAlt, type IToken, type OrMethodOpts, type TokenType } from 'chevrotain';
import type * as A from './ast.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../diagnostics/source.js';
import * as T from './tokens.js';
import { tokenEnd } from './spans.js';
import { errorMessages, missingToken, ruleHelp, clauseError } from './messages.js';
import { JunkContext, skipJunk, type JunkCursor } from './recovery.js';
import { NodeBuilder } from './nodes.js';
import { Collector, exact } from '../util/arrays.js';

const emptySource = new SourceFile('', '');

export type Clause = A.KernelRange | A.ValueTest;
export interface Tail {
  readonly attributes: A.Attribute[];
  readonly end: number;
}

/**
 * Parser state and the inner rules; see grammar.ts for the statements.
 */
export abstract class ClauseGrammar extends EmbeddedActionsParser {
  protected readonly n = new NodeBuilder(() => this.prevEnd());
  /** Top-level statements parsed so far; kept outside the rule so that an aborted parse keeps them. */
  statements: A.TopStatement[] = [];

  private readonly cursor: JunkCursor = {
    peek: () => this.LA(1),
    skip: () => this.SKIP_TOKEN(),
    reportedAt: (offset) => this.errors.some((e) => e.token.startOffset === offset),
    startOf: (tok) => this.n.startOf(tok),
    endOf: (tok) => this.n.endOf(tok),
    span: (start, end) => this.n.span(start, end),
    file: () => this.n.src.path,
  };

  constructor(validateGrammar: boolean) {
    super(T.allTokens as TokenType[], {
      recoveryEnabled: true,
      maxLookahead: 1,
      errorMessageProvider: errorMessages,
      // Grammar validation costs start-up time on every run; a test builds a
      // validating instance so that grammar mistakes are still caught.
      skipValidations: !validateGrammar,
    });
  }

  /** End offset of the token before this input (a slice of a large file starts after one). */
  private startEnd = 0;

  /** Parses `tokens` of `src` next; `sameFile` when they are the next slice of the file parsed before. */
  load(src: SourceFile, tokens: IToken[], prevEnd = 0, sameFile = false): void {
    this.startEnd = prevEnd;
    this.n.load(src, sameFile);
    this.statements = [];
    this.input = tokens;
    this.clearStacks();
  }

  /*
   * Lists being collected by rules that never contain themselves (a machine
   * type's or compat set's body, a rule tail's attributes, an attribute's
   * values, a string's pieces, a rule's registers): the rule notes the
   * stack's size, its loop pushes onto the stack, and the rule takes what is
   * above its mark as one list of exact length (see Collector). Items of a
   * rule that error recovery abandons stay below the next rule's mark;
   * `load` and `release` empty the stacks.
   */
  protected readonly bodyStack = new Collector<A.MachineStatement>();
  private readonly attributeStack = new Collector<A.Attribute>();
  private readonly valueStack = new Collector<A.Identifier | A.StringLiteral | A.NumberLiteral>();
  private readonly pieceStack = new Collector<IToken>();
  private readonly registerStack = new Collector<A.RegisterRef>();

  private clearStacks(): void {
    this.bodyStack.clear();
    this.attributeStack.clear();
    this.valueStack.clear();
    this.pieceStack.clear();
    this.registerStack.clear();
  }

  /** Drops the slice's tokens and the source (the short names stay for the file's next slice). */
  release(): void {
    this.input = [];
    this.clearStacks();
    this.statements = [];
    this.n.load(emptySource, true);
  }

  takeExtraDiagnostics(): Diagnostic[] {
    return this.n.extra;
  }

  protected prevEnd(): number {
    const prev = this.LA(0);
    // Before the first token: the end of the previous slice's last token (0 at the top of the file).
    if (!prev) return this.startEnd;
    if (prev.tokenType === EOF || Number.isNaN(prev.startOffset)) return 0;
    return tokenEnd(prev);
  }

  protected missing(what: string, purpose: string, help: string): void {
    const at = this.prevEnd();
    this.n.extra.push(missingToken(this.n.src.path, this.n.span(at, at), what, purpose, this.LA(1), help));
  }

  // ---- inner rules ---------------------------------------------------------

  protected junk = this.RULE('junk', (ctx: JunkContext) => {
    const first = this.CONSUME(T.Any);
    if (this.RECORDING_PHASE) return;
    const d = skipJunk(this.cursor, first, ctx);
    if (d) this.n.extra.push(d);
  });
  protected clauses = this.RULE('clauses', (): Clause[] => {
    const out: Clause[] = [];
    this.MANY(() => {
      const c = this.OR(this.clauseAlts);
      if (!this.RECORDING_PHASE && c) out.push(c);
    });
    return out;
  });
  private readonly clauseAlts: IOrAlt<Clause>[] = [{ ALT: () => this.SUBRULE(this.kernelRange) }, { ALT: () => this.SUBRULE(this.valueTest) }];
  protected kernelRange = this.RULE('kernelRange', (): A.KernelRange => {
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
                  // `kernel 6.15` without `..` names one version.
                  if (!this.RECORDING_PHASE && last === from) to = from;
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
    if (this.RECORDING_PHASE) return undefined as never;
    return {
      kind: 'KernelRange',
      from: from && !from.isInsertedInRecovery ? this.n.version(from) : undefined,
      to: to && !to.isInsertedInRecovery ? this.n.version(to) : undefined,
      span: this.n.between(first, last),
    };
  });
  protected valueTest = this.RULE('valueTest', (): A.ValueTest => {
    const kw = this.CONSUME(T.When);
    this.CONSUME(T.Value);
    this.CONSUME(T.Amp);
    const mask = this.CONSUME(T.NumberTok);
    this.CONSUME(T.EqEq);
    const value = this.CONSUME2(T.NumberTok);
    if (this.RECORDING_PHASE) return undefined as never;
    return {
      kind: 'ValueTest',
      mask: mask.isInsertedInRecovery ? undefined : this.n.num(mask),
      value: value.isInsertedInRecovery ? undefined : this.n.num(value),
      span: this.n.between(kw, value),
    };
  });
  protected ruleTail = this.RULE('ruleTail', (): Tail => {
    const mark = this.attributeStack.size;
    const endTok = this.OR(this.tailAlts);
    if (this.RECORDING_PHASE) return undefined as never;
    return { attributes: this.attributeStack.take(mark), end: endTok ? this.n.endOf(endTok) : this.prevEnd() };
  });
  private readonly tailAlts: OrMethodOpts<IToken | undefined> = {
    DEF: [
      { ALT: () => this.CONSUME(T.Semi) },
      {
        ALT: () => {
          this.CONSUME(T.LCurly);
          this.MANY(this.attributeLoop);
          return this.CONSUME(T.RCurly);
        },
      },
      {
        // Nothing that ends a rule: report the missing `;` and carry on with the next statement.
        ALT: () => {
          if (!this.RECORDING_PHASE) this.missing('`;`', 'to end the rule', ruleHelp.ruleTail);
          return undefined;
        },
      },
    ],
  };
  private readonly attributeLoop = {
    GATE: () => this.LA(1).tokenType !== T.RCurly,
    DEF: () => {
      const a = this.OR2(this.attributeAlts);
      if (!this.RECORDING_PHASE && a) this.attributeStack.push(a);
    },
  };
  private readonly attributeAlts: IOrAlt<A.Attribute | undefined>[] = [
    { ALT: () => this.SUBRULE(this.attribute) },
    {
      ALT: () => {
        this.SUBRULE(this.junk, { ARGS: [JunkContext.Attributes] });
        return undefined;
      },
      IGNORE_AMBIGUITIES: true,
    },
  ];
  protected attribute = this.RULE('attribute', (): A.Attribute => {
    const name = this.CONSUME(T.AttrName);
    const mark = this.valueStack.size;
    this.MANY(this.valueLoop);
    const semi = this.CONSUME(T.Semi);
    if (this.RECORDING_PHASE) return undefined as never;
    return { kind: 'Attribute', name: this.n.ident(name), values: this.valueStack.take(mark), span: this.n.between(name, semi) };
  });
  private readonly valueLoop = (): void => {
    const v = this.OR(this.valueAlts);
    if (!this.RECORDING_PHASE) this.valueStack.push(v);
  };
  private readonly valueAlts: IOrAlt<A.Identifier | A.StringLiteral | A.NumberLiteral>[] = [
    { ALT: () => this.leaf(this.CONSUME(T.Ident), 'ident') },
    { ALT: () => this.SUBRULE(this.stringLit) },
    { ALT: () => this.leaf(this.CONSUME(T.NumberTok), 'num') },
  ];
  protected regList = this.RULE('regList', (): A.RegisterRef[] => {
    const mark = this.registerStack.size;
    this.AT_LEAST_ONE_SEP(this.registerLoop);
    return this.RECORDING_PHASE ? [] : this.registerStack.take(mark);
  });
  private readonly registerLoop = {
    SEP: T.Comma,
    DEF: (): void => {
      const r = this.SUBRULE(this.regRef);
      if (!this.RECORDING_PHASE && r) this.registerStack.push(r);
    },
    ERR_MSG: 'register',
  };
  protected regRef = this.RULE('regRef', (): A.RegisterRef => this.OR(this.regRefAlts));
  private readonly regRefAlts: OrMethodOpts<A.RegisterRef> = {
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
          if (this.RECORDING_PHASE) return undefined as never;
          return {
            kind: 'RegisterName' as const,
            name: this.n.text(t),
            expectedId: id && !id.isInsertedInRecovery ? this.n.num(id) : undefined,
            span: this.n.between(t, close ?? t),
          };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.NumberTok);
          if (this.RECORDING_PHASE) return undefined as never;
          const literal = this.n.num(t);
          return { kind: 'RegisterId' as const, literal, span: literal.span };
        },
      },
      { ALT: () => this.SUBRULE(this.tuple) },
    ],
    ERR_MSG: 'a register (a name, an id or `sysreg(...)`)',
  };
  protected tuple = this.RULE('tuple', (): A.RegisterTuple => {
    const kw = this.CONSUME(T.Sysreg);
    this.CONSUME(T.LParen);
    const fields: A.NumberLiteral[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const n = this.CONSUME(T.NumberTok);
        if (!this.RECORDING_PHASE) fields.push(this.n.num(n));
      },
      ERR_MSG: 'encoding field',
    });
    const close = this.CONSUME(T.RParen);
    if (this.RECORDING_PHASE) return undefined as never;
    return { kind: 'RegisterTuple', space: 'sysreg', fields: exact(fields), span: this.n.between(kw, close) };
  });
  protected stringLit = this.RULE('stringLit', (): A.StringLiteral => {
    const mark = this.pieceStack.size;
    this.AT_LEAST_ONE(this.pieceLoop);
    if (this.RECORDING_PHASE) return undefined as never;
    return this.n.strings(this.pieceStack.take(mark));
  });
  private readonly pieceLoop = {
    DEF: (): void => {
      const t = this.CONSUME(T.StringTok);
      if (!this.RECORDING_PHASE) this.pieceStack.push(t);
    },
    ERR_MSG: 'string',
  };

  // ---- helpers -------------------------------------------------------------

  /** An identifier or number leaf (nothing while recording the grammar). */
  protected leaf(tok: IToken, kind: 'ident'): A.Identifier;
  protected leaf(tok: IToken, kind: 'num'): A.NumberLiteral;
  protected leaf(tok: IToken, kind: 'ident' | 'num'): A.Identifier | A.NumberLiteral {
    if (this.RECORDING_PHASE) return undefined as never;
    return kind === 'ident' ? this.n.ident(tok) : this.n.num(tok);
  }

  /** Reports clauses that are repeated or not allowed on this rule. */
  protected checkClauses(clauses: Clause[] | undefined, testAllowed: boolean): void {
    let range = false;
    let test = false;
    const file = this.n.src.path;
    for (const c of clauses ?? []) {
      if (c.kind === 'KernelRange') {
        if (range) this.n.extra.push(clauseError(file, c.span, 'a rule has at most one kernel range', 'merge the ranges into one'));
        range = true;
      } else {
        if (!testAllowed)
          this.n.extra.push(
            clauseError(file, c.span, 'only `tolerate` rules take a `when value & MASK == VALUE` test', 'remove the test'),
          );
        else if (test) this.n.extra.push(clauseError(file, c.span, 'a rule has at most one value test', 'keep one test'));
        test = true;
      }
    }
  }
}

export function pickRange(clauses: Clause[] | undefined): A.KernelRange | undefined {
  return (clauses ?? []).find((c): c is A.KernelRange => c.kind === 'KernelRange');
}
