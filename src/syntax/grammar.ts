/**
 * The statement rules of the mtc grammar (top-level statements and the rules
 * of a machine type's body), on top of the inner rules of grammar-clauses.ts.
 * Messages live in messages.ts, error recovery in recovery.ts, AST leaves and
 * spans in nodes.ts; the parse driver (lexing, limits, reporting) in parser.ts.
 */
import type { IToken, OrMethodOpts } from 'chevrotain';
import type * as A from './ast.js';
import * as T from './tokens.js';
import { ruleHelp, duplicateClause } from './messages.js';
import { JunkContext, topStarts } from './recovery.js';
import { ClauseGrammar, pickRange, type Clause } from './grammar-clauses.js';

/**
 * One instance serves the whole process (Chevrotain's grammar analysis is
 * costly); `load()` resets its state for each file. Error recovery is on, and
 * junk statements are skipped by hand, so a file with many errors reports all
 * of them and still yields a partial AST.
 */
export class MtcParser extends ClauseGrammar {
  constructor(validateGrammar: boolean) {
    super(validateGrammar);
    this.performSelfAnalysis();
  }

  public file = this.RULE('file', () => {
    const statements = this.statements;
    this.MANY(() => {
      const s = this.OR(this.topAlts);
      if (!this.RECORDING_PHASE && s) statements.push(s);
    });
    return statements;
  });
  private readonly topAlts: OrMethodOpts<A.TopStatement | undefined> = {
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
  };
  private include = this.RULE('include', (): A.Include => {
    const kw = this.CONSUME(T.Include);
    const path = this.SUBRULE(this.stringLit);
    const semi = this.CONSUME(T.Semi);
    if (this.RECORDING_PHASE) return undefined as never;
    return { kind: 'Include', path, span: this.n.between(kw, semi) };
  });
  private target = this.RULE('target', (): A.Target => {
    const kw = this.CONSUME(T.Target);
    const name = this.CONSUME(T.Ident);
    const semi = this.CONSUME(T.Semi);
    if (this.RECORDING_PHASE) return undefined as never;
    return {
      kind: 'Target',
      name: name.isInsertedInRecovery ? undefined : this.n.ident(name),
      span: this.n.between(kw, semi),
    };
  });
  private machine = this.RULE('machine', (): A.Machine => {
    const kw = this.CONSUME(T.Machine);
    const name = this.CONSUME(T.Ident);
    let parent: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Inherits);
      parent = this.CONSUME2(T.Ident);
    });
    const mark = this.bodyStack.size;
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
                const st = this.OR2(this.bodyAlts);
                if (!this.RECORDING_PHASE && st) this.bodyStack.push(st);
              },
            });
            this.OR3([
              { ALT: () => (endTok = this.CONSUME(T.RCurly)) },
              {
                ALT: () => {
                  if (!this.RECORDING_PHASE) this.missing('`}`', `to close machine type \`${name.image}\``, ruleHelp.machine);
                },
              },
            ]);
          },
        },
      ],
      ERR_MSG: '`{` or `;` after the machine type name',
    });
    if (this.RECORDING_PHASE) return undefined as never;
    return {
      kind: 'Machine',
      name: name.isInsertedInRecovery ? undefined : this.n.ident(name),
      inherits: parent && !parent.isInsertedInRecovery ? this.n.ident(parent) : undefined,
      body: this.bodyStack.take(mark),
      bodyless,
      span: this.n.span(this.n.startOf(kw), endTok ? this.n.endOf(endTok) : this.prevEnd()),
    };
  });
  private readonly bodyAlts: OrMethodOpts<A.MachineStatement | undefined> = {
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
  };
  private hide = this.RULE('hide', (): A.Hide => {
    const kw = this.CONSUME(T.Hide);
    const registers = this.SUBRULE(this.regList);
    const clauses = this.SUBRULE(this.clauses);
    const tail = this.SUBRULE(this.ruleTail);
    if (this.RECORDING_PHASE) return undefined as never;
    this.checkClauses(clauses, false);
    return {
      kind: 'Hide',
      registers: registers ?? [],
      range: pickRange(clauses),
      attributes: tail?.attributes ?? [],
      span: this.n.span(this.n.startOf(kw), tail?.end ?? this.prevEnd()),
    };
  });
  private tolerate = this.RULE('tolerate', (): A.Tolerate => {
    const kw = this.CONSUME(T.Tolerate);
    const registers = this.SUBRULE(this.regList);
    const clauses = this.SUBRULE(this.clauses);
    const tail = this.SUBRULE(this.ruleTail);
    if (this.RECORDING_PHASE) return undefined as never;
    this.checkClauses(clauses, true);
    return {
      kind: 'Tolerate',
      registers: registers ?? [],
      range: pickRange(clauses),
      test: (clauses ?? []).find((c): c is A.ValueTest => c.kind === 'ValueTest'),
      attributes: tail?.attributes ?? [],
      span: this.n.span(this.n.startOf(kw), tail?.end ?? this.prevEnd()),
    };
  });
  private set = this.RULE('set', (): A.SetProperty => {
    const kw = this.CONSUME(T.Set);
    const target = this.CONSUME(T.Ident);
    this.CONSUME(T.Eq);
    const value = this.OR(this.setValueAlts);
    let optional: IToken | undefined;
    this.OPTION(() => {
      optional = this.CONSUME(T.Optional);
    });
    const clauses = this.SUBRULE(this.clauses);
    const tail = this.SUBRULE(this.ruleTail);
    if (this.RECORDING_PHASE) return undefined as never;
    this.checkClauses(clauses, false);
    const t = target.isInsertedInRecovery ? undefined : this.n.ident(target);
    const dot = t ? t.name.indexOf('.') : -1;
    return {
      kind: 'SetProperty',
      target: t,
      driver: t && dot > 0 ? this.n.intern(t.name.slice(0, dot)) : undefined,
      property: t && dot > 0 ? this.n.intern(t.name.slice(dot + 1)) : undefined,
      value,
      ...(optional && !optional.isInsertedInRecovery ? { optional: this.n.ident(optional) } : {}),
      range: pickRange(clauses),
      attributes: tail?.attributes ?? [],
      span: this.n.span(this.n.startOf(kw), tail?.end ?? this.prevEnd()),
    };
  });
  private readonly setValueAlts: OrMethodOpts<A.SetProperty['value']> = {
    DEF: [
      { ALT: () => this.leaf(this.CONSUME2(T.Ident), 'ident') },
      { ALT: () => this.SUBRULE(this.stringLit) },
      { ALT: () => this.leaf(this.CONSUME(T.NumberTok), 'num') },
      // Shared compat sets (issue 15): `optional` is a keyword, and still a valid value word.
      { ALT: () => this.leaf(this.CONSUME2(T.Optional), 'ident') },
    ],
    ERR_MSG: 'a property value (a word, a number or a string)',
  };
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
            if (this.RECORDING_PHASE) return;
            if (revidr) this.n.extra.push(duplicateClause(this.n.src.path, this.n.between(k, k), 'revidr'));
            revidr = v;
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(T.Aidr);
            const v = this.CONSUME3(T.NumberTok);
            if (this.RECORDING_PHASE) return;
            if (aidr) this.n.extra.push(duplicateClause(this.n.src.path, this.n.between(k, k), 'aidr'));
            aidr = v;
          },
        },
        {
          ALT: () => {
            const r = this.SUBRULE(this.kernelRange);
            if (!this.RECORDING_PHASE && r) clauses.push(r);
          },
        },
      ]);
    });
    const tail = this.SUBRULE(this.ruleTail);
    if (this.RECORDING_PHASE) return undefined as never;
    this.checkClauses(clauses, false);
    return {
      kind: 'Allow',
      midr: midr.isInsertedInRecovery ? undefined : this.n.num(midr),
      revidr: revidr && !revidr.isInsertedInRecovery ? this.n.num(revidr) : undefined,
      aidr: aidr && !aidr.isInsertedInRecovery ? this.n.num(aidr) : undefined,
      range: pickRange(clauses),
      attributes: tail?.attributes ?? [],
      span: this.n.span(this.n.startOf(kw), tail?.end ?? this.prevEnd()),
    };
  });
  private requires = this.RULE('requires', (): A.Requires => {
    const kw = this.CONSUME(T.Requires);
    this.CONSUME(T.Kernel);
    const v = this.CONSUME(T.NumberTok);
    const tail = this.SUBRULE(this.ruleTail);
    if (this.RECORDING_PHASE) return undefined as never;
    return {
      kind: 'Requires',
      version: v.isInsertedInRecovery ? undefined : this.n.version(v),
      range: undefined,
      attributes: tail?.attributes ?? [],
      span: this.n.span(this.n.startOf(kw), tail?.end ?? this.prevEnd()),
    };
  });

  // ---- shared compat sets (issue 15) --------------------------------------

  /** `compat NAME { set ...; }`: its body takes the rules a machine body takes; validation keeps only `set`. */
  private compatSet = this.RULE('compatSet', (): A.CompatSet => {
    const kw = this.CONSUME(T.Compat);
    const name = this.CONSUME(T.Ident);
    const mark = this.bodyStack.size;
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
        if (!this.RECORDING_PHASE && st) this.bodyStack.push(st);
      },
    });
    this.OR2([
      { ALT: () => (endTok = this.CONSUME(T.RCurly)) },
      {
        ALT: () => {
          if (!this.RECORDING_PHASE) this.missing('`}`', `to close compat set \`${name.image}\``, ruleHelp.compatSet);
        },
      },
    ]);
    if (this.RECORDING_PHASE) return undefined as never;
    return {
      kind: 'CompatSet',
      name: name.isInsertedInRecovery ? undefined : this.n.ident(name),
      body: this.bodyStack.take(mark),
      span: this.n.span(this.n.startOf(kw), endTok ? this.n.endOf(endTok) : this.prevEnd()),
    };
  });

  /** `use NAME;` inside a machine type. */
  private use = this.RULE('use', (): A.Use => {
    const kw = this.CONSUME(T.Use);
    const name = this.CONSUME(T.Ident);
    const tail = this.SUBRULE(this.ruleTail);
    if (this.RECORDING_PHASE) return undefined as never;
    return {
      kind: 'Use',
      name: name.isInsertedInRecovery ? undefined : this.n.ident(name),
      range: undefined,
      attributes: tail?.attributes ?? [],
      span: this.n.span(this.n.startOf(kw), tail?.end ?? this.prevEnd()),
    };
  });
}
