/**
 * A small, bounded reader of C source: just what mtc needs to learn from a
 * QEMU tree. It is not a C parser. It blanks comments and the contents of
 * string and character literals (offsets are kept), follows preprocessor
 * conditionals so that `#if 0` regions (RHEL disables upstream machine types
 * that way) count as absent, finds function definitions in either brace style
 * and calls with their arguments. Lines are 1-based, as compilers print them.
 *
 * May import: nothing outside this folder.
 */

export interface FunctionDef {
  readonly name: string;
  /** Parameter list as written (comments blanked, whitespace collapsed). */
  readonly params: string;
  /** Offset of the first character of the definition's first line. */
  readonly start: number;
  /** Offset of the `{` opening the body, and of the `}` closing it. */
  readonly open: number;
  readonly close: number;
  /** Line of the function name, of the `{`, and of the `}`. */
  readonly line: number;
  readonly openLine: number;
  readonly closeLine: number;
}

export interface Call {
  readonly offset: number;
  readonly line: number;
  /** Arguments with comments and literal contents blanked, whitespace collapsed. */
  readonly args: readonly string[];
  /** Arguments as written (string literals kept), whitespace collapsed. */
  readonly rawArgs: readonly string[];
  /** Offset just past the closing parenthesis. */
  readonly end: number;
}

export interface Directive {
  /** Line of the `#`. */
  readonly line: number;
  /** Directive text with continuation lines joined and comments blanked. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Blanks comments, and the contents of string and character literals, keeping every offset and newline. */
export function blankCommentsAndLiterals(text: string): string {
  const out = text.split('');
  const n = text.length;
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      const end = e < 0 ? n : e + 2;
      blank(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      let e = text.indexOf('\n', i);
      if (e < 0) e = n;
      blank(i, e);
      i = e;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, n));
      i = j + 1;
    } else i++;
  }
  return out.join('');
}

export class CSource {
  /** The file as read. */
  readonly text: string;
  /** Comments and literal contents blanked; directive lines and inactive (`#if 0`) regions blanked too. */
  readonly code: string;
  readonly directives: readonly Directive[];
  private readonly lineStarts: number[];
  /** Conditions of the enclosing `#if`s, per line (index = line - 1). */
  private readonly guards: (readonly string[])[];
  private fns: FunctionDef[] | undefined;

  constructor(
    readonly path: string,
    text: string,
  ) {
    this.text = text;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    const blanked = blankCommentsAndLiterals(text).split('');
    const directives: Directive[] = [];
    this.guards = new Array(this.lineStarts.length);
    // Preprocessor conditionals. Each frame: its condition, whether it is `#if 0` (dead), whether an #else was seen.
    const stack: { cond: string; dead: boolean }[] = [];
    let current: readonly string[] = [];
    const recompute = () => {
      current = stack.filter((f) => !f.dead && f.cond !== '').map((f) => f.cond);
    };
    const dead = () => stack.some((f) => f.dead);
    const lines = this.lineStarts.length;
    for (let li = 0; li < lines; li++) {
      const start = this.lineStarts[li]!;
      const end = li + 1 < lines ? this.lineStarts[li + 1]! - 1 : text.length;
      const lineCode = blanked.slice(start, end).join('');
      const m = /^\s*#\s*(\w*)(.*)$/.exec(lineCode);
      if (m) {
        // Join continuation lines.
        let last = li;
        let body = lineCode;
        while (/\\\s*$/.test(body) && last + 1 < lines) {
          last++;
          const s = this.lineStarts[last]!;
          const e = last + 1 < lines ? this.lineStarts[last + 1]! - 1 : text.length;
          body = body.replace(/\\\s*$/, ' ') + blanked.slice(s, e).join('');
        }
        const dirEnd = last + 1 < lines ? this.lineStarts[last + 1]! - 1 : text.length;
        const word = m[1]!;
        const rest = collapse(/^\s*#\s*\w*(.*)$/s.exec(body)![1]!);
        const wasDead = dead();
        if (word === 'if') stack.push(rest === '0' ? { cond: '', dead: true } : { cond: rest === '1' ? '' : rest, dead: false });
        else if (word === 'ifdef') stack.push({ cond: `defined(${rest})`, dead: false });
        else if (word === 'ifndef') stack.push({ cond: `!defined(${rest})`, dead: false });
        else if (word === 'elif' && stack.length > 0) stack[stack.length - 1] = rest === '0' ? { cond: '', dead: true } : { cond: rest, dead: false };
        else if (word === 'else' && stack.length > 0) {
          // `#if 0` → live; `#if 1` → dead; `#if C` → `!(C)`.
          const top = stack[stack.length - 1]!;
          stack[stack.length - 1] = top.dead ? { cond: '', dead: false } : top.cond === '' ? { cond: '', dead: true } : { cond: `!(${top.cond})`, dead: false };
        } else if (word === 'endif') stack.pop();
        recompute();
        if (!wasDead) directives.push({ line: li + 1, text: body.trim(), start, end: dirEnd });
        for (let k = li; k <= last; k++) {
          this.guards[k] = current;
          const s = this.lineStarts[k]!;
          const e = k + 1 < lines ? this.lineStarts[k + 1]! - 1 : text.length;
          for (let p = s; p < e; p++) blanked[p] = ' ';
        }
        li = last;
        continue;
      }
      this.guards[li] = current;
      if (dead()) for (let p = start; p < end; p++) if (blanked[p] !== '\n') blanked[p] = ' ';
    }
    this.code = blanked.join('');
    this.directives = directives;
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Text of a 1-based line, without its terminator. */
  lineText(line: number): string {
    const s = this.lineStart(line);
    const e = line < this.lineStarts.length ? this.lineStarts[line]! - 1 : this.text.length;
    return this.text.slice(s, e).replace(/\r$/, '');
  }

  /** Conditions of the preprocessor conditionals active at an offset (`defined(CONFIG_KVM)`). */
  guardsAt(offset: number): readonly string[] {
    return this.guards[this.lineOf(offset) - 1] ?? [];
  }

  /** Offset of the bracket matching the opening one at `open` (in `code`), or -1. */
  matching(open: number): number {
    const o = this.code[open];
    const c = o === '{' ? '}' : o === '(' ? ')' : o === '[' ? ']' : undefined;
    if (!c) return -1;
    let depth = 0;
    for (let i = open; i < this.code.length; i++) {
      const ch = this.code[i];
      if (ch === o) depth++;
      else if (ch === c && --depth === 0) return i;
    }
    return -1;
  }

  /** Every function definition at file level that is not inside an inactive region. */
  functions(): readonly FunctionDef[] {
    if (this.fns) return this.fns;
    const out: FunctionDef[] = [];
    // A definition starts a line: return type words, the name, a parameter list, then `{` (same or next line).
    const re = /^[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)[ \t]*\(([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*)\)[ \t]*\r?\n?[ \t]*\{/gm;
    let m: RegExpExecArray | null;
    let from = 0;
    while ((m = re.exec(this.code))) {
      if (m.index < from) continue;
      const head = m[0];
      if (/^(if|while|for|switch|return|else|do)\b/.test(head) || /^\s/.test(head)) continue;
      const name = m[1]!;
      if (/^(if|while|for|switch|sizeof|return)$/.test(name)) continue;
      const open = m.index + head.length - 1;
      const close = this.matching(open);
      if (close < 0) break;
      out.push({
        name,
        params: collapse(m[2]!),
        start: m.index,
        open,
        close,
        line: this.lineOf(m.index + head.indexOf(name)),
        openLine: this.lineOf(open),
        closeLine: this.lineOf(close),
      });
      from = close + 1;
      re.lastIndex = close + 1;
    }
    this.fns = out;
    return out;
  }

  /** The function whose body contains an offset. */
  enclosingFunction(offset: number): FunctionDef | undefined {
    return this.functions().find((f) => f.open < offset && offset < f.close);
  }

  /** Every call of `name` (not its definition or declaration) in active code. */
  calls(name: string): Call[] {
    const out: Call[] = [];
    const re = new RegExp(`\\b${name}\\s*\\(`, 'g');
    let m: RegExpExecArray | null;
    while ((m = re.exec(this.code))) {
      const open = m.index + m[0].length - 1;
      const close = this.matching(open);
      if (close < 0) continue;
      const ranges: [number, number][] = [];
      let depth = 0;
      let s = open + 1;
      for (let i = open + 1; i < close; i++) {
        const ch = this.code[i];
        if (ch === '(' || ch === '[' || ch === '{') depth++;
        else if (ch === ')' || ch === ']' || ch === '}') depth--;
        else if (ch === ',' && depth === 0) {
          ranges.push([s, i]);
          s = i + 1;
        }
      }
      ranges.push([s, close]);
      const args = ranges.map(([a, b]) => collapse(this.code.slice(a, b)));
      if (args.length === 1 && args[0] === '') args.length = 0;
      const rawArgs = ranges.map(([a, b]) => collapse(keepLiterals(this.text.slice(a, b), this.code.slice(a, b))));
      if (rawArgs.length === 1 && rawArgs[0] === '') rawArgs.length = 0;
      out.push({ offset: m.index, line: this.lineOf(m.index), args, rawArgs, end: close + 1 });
    }
    return out;
  }

  /**
   * Conditions of the `if` blocks of the enclosing function around an offset,
   * outermost first (`else` blocks give the negated condition).
   */
  conditionsAt(offset: number): string[] {
    const fn = this.enclosingFunction(offset);
    if (!fn) return [];
    const stack: string[] = [];
    const lastIf: (string | undefined)[] = [];
    let headStart = fn.open + 1;
    for (let i = fn.open + 1; i < offset; i++) {
      const ch = this.code[i];
      if (ch === '{') {
        const head = collapse(this.code.slice(headStart, i));
        let cond = '';
        const mIf = /(?:^|\s)(?:else\s+)?if\s*\((.*)\)$/s.exec(head);
        if (mIf) cond = collapse(mIf[1]!);
        else if (/(?:^|\s)else$/.test(head)) cond = lastIf[stack.length] !== undefined ? `!(${lastIf[stack.length]})` : '';
        stack.push(cond);
        headStart = i + 1;
      } else if (ch === '}') {
        const cond = stack.pop();
        lastIf[stack.length] = cond;
        headStart = i + 1;
      } else if (ch === ';') headStart = i + 1;
    }
    return stack.filter((c) => c !== '');
  }
}

/** The raw slice with comments removed but string literal contents kept (`code` tells where comments were). */
function keepLiterals(raw: string, code: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    if (r === '"' && code[i] === '"') inString = !inString;
    out += inString || code[i] !== ' ' || r === ' ' || r === '\n' || r === '\t' ? r : ' ';
  }
  return out;
}
