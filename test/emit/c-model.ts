/**
 * Test support: a small C lexer and a model of how QEMU applies the
 * generated options chain, read from the emitted C text itself (not from
 * the emitter's plan), so the set-once and last-wins tests check what a
 * QEMU build would actually compile.
 */

export type Tok = { kind: 'id' | 'num' | 'str' | 'chr' | 'punct'; text: string; value?: string };

/** Tokens of C source without comments and preprocessor lines. Throws on what a C compiler would reject lexically. */
export function cTokens(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let lineStart = true;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      lineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (src.startsWith('\\\n', i)) throw new Error(`line splice at ${i}`);
    if (lineStart && c === '#') {
      // Preprocessor line (with continuations).
      while (i < src.length && src[i] !== '\n') i += src.startsWith('\\\n', i) ? 2 : 1;
      continue;
    }
    lineStart = false;
    if (src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2);
      if (e < 0) throw new Error(`unterminated comment at ${i}`);
      i = e + 2;
      continue;
    }
    if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\n') throw new Error(`newline in literal at ${j}`);
        if (src[j] === '\\') {
          const oct = /^[0-7]{1,3}/.exec(src.slice(j + 1, j + 4));
          if (oct) {
            value += String.fromCharCode(parseInt(oct[0], 8));
            j += 1 + oct[0].length;
            continue;
          }
          const n = src[j + 1]!;
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '?': '?', a: '\x07', b: '\b', f: '\f', v: '\v' };
          if (!(n in map)) throw new Error(`unknown escape \\${n} at ${j}`);
          value += map[n];
          j += 2;
          continue;
        }
        value += src[j];
        j++;
      }
      if (j >= src.length) throw new Error(`unterminated literal at ${i}`);
      toks.push({ kind: c === '"' ? 'str' : 'chr', text: src.slice(i, j + 1), value });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200));
    if (id) {
      toks.push({ kind: 'id', text: id[0] });
      i += id[0].length;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|[0-9]+)[uUlL]*/.exec(src.slice(i, i + 40));
    if (num) {
      toks.push({ kind: 'num', text: num[0], value: BigInt(num[1]!).toString() });
      i += num[0].length;
      continue;
    }
    const p = /^(->|&&|\|\||==|!=|<=|>=|\+\+|--|[{}()[\];,=*&!<>+\-.?:\/%|^~])/.exec(src.slice(i, i + 3));
    if (!p) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
    toks.push({ kind: 'punct', text: p[0] });
    i += p[0].length;
  }
  return toks;
}

/** Strings of a GlobalProperty entry are raw bytes; decode them as UTF-8. */
function bytesToUtf8(s: string): string {
  return Buffer.from([...s].map((ch) => ch.charCodeAt(0))).toString('utf8');
}

export interface CEntry {
  driver: string;
  property: string;
  value: string;
  optional?: boolean;
}
export type Stmt =
  | { op: 'call'; fn: string }
  | { op: 'add'; array: string; once: boolean }
  | { op: 'hook'; fn: string };
export interface ToleranceC {
  id: bigint;
  mask: bigint;
  value: bigint;
  type: string;
}
export interface CUnit {
  arrays: Map<string, CEntry[]>;
  lens: Map<string, string>;
  options: Map<string, Stmt[]>;
  tolerances: Map<string, ToleranceC[]>;
  registrations: string[];
}

const MACROS: Record<string, string> = { TYPE_ARM_CPU: 'arm-cpu', TYPE_X86_CPU: 'x86_64-cpu' };

/** Reads the generated structure: compat arrays, options functions, tolerance functions, DEFINE lines. */
export function parseGenerated(src: string): CUnit {
  const t = cTokens(src);
  const unit: CUnit = { arrays: new Map(), lens: new Map(), options: new Map(), tolerances: new Map(), registrations: [] };
  let i = 0;
  const expect = (text: string) => {
    if (t[i]?.text !== text) throw new Error(`expected ${text} at token ${i}, got ${t[i]?.text}`);
    i++;
  };
  const ident = () => {
    const x = t[i];
    if (x?.kind !== 'id') throw new Error(`expected identifier at token ${i}, got ${x?.text}`);
    i++;
    return x.text;
  };
  const strings = () => {
    let s = '';
    if (t[i]?.kind !== 'str') throw new Error(`expected string at token ${i}`);
    while (t[i]?.kind === 'str') s += t[i++]!.value;
    return bytesToUtf8(s);
  };
  const skipBalanced = () => {
    // from an opening `{` to its closing `}`
    let depth = 0;
    do {
      if (t[i]!.text === '{') depth++;
      if (t[i]!.text === '}') depth--;
      i++;
    } while (depth > 0);
  };
  while (i < t.length) {
    // Shared compat sets (issue 15): `extern` declarations, and arrays without `static` (compat-sets.c).
    if (t[i]!.text === 'extern') {
      while (t[i]!.text !== ';') i++;
      i++;
      continue;
    }
    if (t[i]!.text === 'GlobalProperty' || (t[i]!.text === 'const' && t[i + 1]!.text === 'size_t')) t.splice(i, 0, { kind: 'id', text: 'static' });
    if (t[i]!.text === 'static' && t[i + 1]!.text === 'GlobalProperty') {
      i += 2;
      const name = ident();
      expect('[');
      expect(']');
      expect('=');
      expect('{');
      const entries: CEntry[] = [];
      while (t[i]!.text === '{') {
        i++;
        const driver = t[i]!.kind === 'id' ? MACROS[ident()] ?? '?' : strings();
        expect(',');
        const property = strings();
        expect(',');
        const value = strings();
        let optional = false;
        if (t[i]!.text === ',' && t[i + 1]!.text === '.') {
          for (const x of [',', '.', 'optional', '=', 'true']) expect(x);
          optional = true;
        }
        expect('}');
        expect(',');
        entries.push({ driver, property, value, ...(optional ? { optional } : {}) });
      }
      expect('}');
      expect(';');
      unit.arrays.set(name, entries);
    } else if (t[i]!.text === 'static' && t[i + 1]!.text === 'const' && t[i + 2]!.text === 'size_t') {
      i += 3;
      const name = ident();
      expect('=');
      expect('G_N_ELEMENTS');
      expect('(');
      unit.lens.set(name, ident());
      expect(')');
      expect(';');
    } else if (t[i]!.text === 'static' && t[i + 1]!.text === 'void' && t[i + 3]!.text === '(' && t[i + 4]!.text === 'MachineClass') {
      i += 2;
      const name = ident();
      for (const x of ['(', 'MachineClass', '*']) expect(x);
      // `mc` in hw/arm, `m` in hw/i386.
      const param = ident();
      for (const x of [')', '{']) expect(x);
      const body: Stmt[] = [];
      while (t[i]!.text !== '}') {
        const fn = ident();
        const replace = /_compat_props_replace$/.test(fn);
        if (replace || fn === 'compat_props_add') {
          for (const x of ['(', param, '->', 'compat_props', ',']) expect(x);
          const array = ident();
          expect(',');
          const len = ident();
          if (len !== `${array}_len`) throw new Error(`length ${len} does not match ${array}`);
          expect(')');
          expect(';');
          body.push({ op: 'add', array, once: replace });
        } else if (fn === 'VIRT_MACHINE_CLASS') {
          for (const x of ['(', 'OBJECT_CLASS', '(', param, ')', ')', '->', 'set_cpreg_mig_tolerances', '=']) expect(x);
          body.push({ op: 'hook', fn: ident() });
          expect(';');
        } else {
          expect('(');
          expect(param);
          expect(')');
          expect(';');
          body.push({ op: 'call', fn });
        }
      }
      expect('}');
      unit.options.set(name, body);
    } else if (t[i]!.text === 'static' && t[i + 1]!.text === 'void' && t[i + 4]!.text === 'ARMCPU') {
      i += 2;
      const name = ident();
      for (const x of ['(', 'ARMCPU', '*', 'cpu', ')', '{']) expect(x);
      const calls: ToleranceC[] = [];
      while (t[i]!.text !== '}') {
        for (const x of ['arm_register_cpreg_mig_tolerance', '(', 'cpu', ',']) expect(x);
        const nums: bigint[] = [];
        for (let k = 0; k < 3; k++) {
          if (t[i]!.kind !== 'num') throw new Error(`expected number at token ${i}`);
          nums.push(BigInt(t[i++]!.value!));
          expect(',');
        }
        const type = ident();
        expect(')');
        expect(';');
        calls.push({ id: nums[0]!, mask: nums[1]!, value: nums[2]!, type });
      }
      expect('}');
      unit.tolerances.set(name, calls);
    } else if (t[i]!.kind === 'id' && /^(DEFINE_|MTC_DEFINE_)/.test(t[i]!.text)) {
      const start = i;
      i++;
      expect('(');
      while (t[i]!.text !== ')') i++;
      i++;
      unit.registrations.push(t.slice(start, i).map((x) => x.text).join(''));
      if (t[i]?.text === ';') i++; // hw/i386 style: `DEFINE_Q35_MACHINE(2, 11);`
    } else if (t[i]!.text === 'static' && t[i + 1]!.text === 'void' && /_compat_props_replace$/.test(t[i + 2]!.text)) {
      while (t[i]!.text !== '{') i++;
      skipBalanced();
    } else throw new Error(`unexpected top-level token ${t[i]!.text} at ${i}`);
  }
  return unit;
}

export interface Applied {
  /** mc->compat_props after the options function ran. */
  compat: CEntry[];
  hook?: string;
}

/** Runs an options function the way QEMU does at machine class init (recursion into newer options functions). */
export function runOptions(unit: CUnit, fn: string, depth = 0): Applied {
  if (depth > 100) throw new Error('options recursion too deep');
  const body = unit.options.get(fn);
  if (!body) throw new Error(`no options function ${fn}`);
  const st: Applied = { compat: [] };
  for (const s of body) {
    if (s.op === 'call') {
      const inner = runOptions(unit, s.fn, depth + 1);
      st.compat.push(...inner.compat);
      if (inner.hook) st.hook = inner.hook;
    } else if (s.op === 'add') {
      const arr = unit.arrays.get(s.array);
      if (!arr) throw new Error(`no array ${s.array}`);
      if (unit.lens.get(`${s.array}_len`) !== s.array) throw new Error(`no length constant for ${s.array}`);
      for (const e of arr) {
        if (s.once) st.compat = st.compat.filter((p) => !(p.driver === e.driver && p.property === e.property));
      }
      st.compat.push(...arr);
    } else st.hook = s.fn;
  }
  return st;
}

export const ARRAY_PROPERTIES = new Set(['x-mig-hidden-regs', 'x-mig-safe-missing-regs']);

/**
 * Applies compat props to one object of type `driver` the way QEMU does
 * (in order; last wins), aborting like QEMU when an array property is set
 * a second time. Returns the final value of each property.
 */
export function applyToObject(compat: readonly CEntry[], driver: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const p of compat) {
    if (p.driver !== driver) continue;
    if (ARRAY_PROPERTIES.has(p.property) && values.has(p.property))
      throw new Error(`array size property ${p.property} may not be set more than once`);
    values.set(p.property, p.value);
  }
  return values;
}
