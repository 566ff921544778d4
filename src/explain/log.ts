/**
 * Reading a QEMU migration log: the destination's lines about the CPU's
 * register list, in every form the releases of catalog/qemu/releases.yaml
 * print (the RFC series' errors and trace events, QEMU 11.1's errors,
 * warnings and trace events, the length check and the post-load failure of
 * 10.x), plus the KVM write-back errors of kvm.c and the migration core's
 * final line. The lines are matched against the release templates
 * themselves, so the set of releases whose templates a log matches is also
 * the guess of which QEMU printed it.
 */
import { cpregToKvmId, loadReleases, type ReleaseModel } from '../qemu/releases.js';
import { parseQemuName } from '../catalog/regid.js';

export type Accel = 'kvm' | 'tcg';

/** The keys of a release's templates that name a line kind. */
export type TemplateKey = 'lengthFail' | 'postLoadFail' | 'missing' | 'unexpected' | 'traceMissing' | 'traceUnexpected' | 'tracePostLoad';

interface Common {
  /** 1-based line of the log where the message starts. */
  readonly line: number;
  /** The message as read (mail quoting and wrapping undone, prefix kept). */
  readonly text: string;
  /** Releases whose templates print exactly this line (empty: a line every release prints, or none of the templates). */
  readonly releases: readonly string[];
}

/** A register the log names: one the stream has and the destination does not (`unexpected`), or the reverse. */
export interface RegisterEvent extends Common {
  readonly kind: 'unexpected' | 'missing';
  readonly id: bigint;
  /** The register as the line names it (`system register 0x1013c030`, `op0:3 op1:0 …`). */
  readonly printedName?: string;
  /** The series' anomaly counter (`… input stream: 1 0x…`). */
  readonly n?: number;
  /** Positions in the incoming (`v`) and local (`i`) list (the series' trace events). */
  readonly v?: number;
  readonly i?: number;
  /** QEMU 11.1's trace of a register it tolerates by itself (or by a machine type's tolerance). */
  readonly tolerated: boolean;
  /** What the name form says about the accelerator (a QEMU cpreg id: TCG; a KVM name: KVM). */
  readonly accel?: Accel;
  readonly template: TemplateKey;
}

export type LogEvent =
  | RegisterEvent
  | (Common & { readonly kind: 'array-length'; readonly incoming: number; readonly local: number })
  | (Common & { readonly kind: 'lengths'; readonly incoming: number; readonly local: number })
  | (Common & {
      readonly kind: 'load-failed';
      /** `array-length`: the length check; `post-load`: the CPU's post-load hook; `outside`: something outside the cpreg list (a subsection, an assertion). */
      readonly cause: 'array-length' | 'post-load' | 'outside' | 'other';
      /** The errno text QEMU printed (`Invalid argument`, `Operation not permitted`). */
      readonly errno?: string;
      readonly detail?: string;
    })
  | (Common & { readonly kind: 'set-failed'; readonly register: string; readonly id?: bigint; readonly value: bigint; readonly hostValue: bigint })
  | (Common & { readonly kind: 'unknown-to-kvm'; readonly register: string; readonly id?: bigint });

/** Every name QEMU prints for a register (kvm_print_register_name() of 10.2.2 and 11.1.1, print_register_name() of 11.1.1). */
const NAME =
  'system register 0x[0-9a-f]{1,8}|system register op0:\\d+ op1:\\d+ crn:\\d+ crm:\\d+ op2:\\d+|op0:\\d+ op1:\\d+ crn:\\d+ crm:\\d+ op2:\\d+' +
  '|fw feat reg \\d+|fw reg \\d+|core reg (?:0x)?[0-9a-f]{1,16}|demuxed reg (?:0x)?[0-9a-f]{1,16}' +
  '|SVE VLS|SVE (?:zreg|preg) n:\\d+ slice:\\d+|SVE ffr slice:\\d+|SVE \\?\\?\\?|[0-9a-f]{1,16}';

const PLACEHOLDER: Readonly<Record<string, string>> = {
  incoming: '(\\d+)',
  local: '(\\d+)',
  n: '(\\d+)',
  v: '(\\d+)',
  i: '(\\d+)',
  hex: '(0x[0-9a-fA-F]{1,16})',
  fn: '([A-Za-z_][A-Za-z0-9_]*)',
  name: `(${NAME})`,
};

interface Compiled {
  readonly release: ReleaseModel;
  readonly key: TemplateKey;
  readonly template: string;
  readonly re: RegExp;
  readonly vars: readonly string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A release template as a regular expression over one whitespace-normalised message. */
export function templatePattern(template: string): { re: RegExp; vars: string[] } {
  const vars: string[] = [];
  let src = '';
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    src += escape(template.slice(last, m.index));
    vars.push(m[1]!);
    src += PLACEHOLDER[m[1]!] ?? '(.*?)';
    last = m.index! + m[0].length;
  }
  src += escape(template.slice(last));
  return { re: new RegExp(`^${src}$`), vars };
}

let compiled: Compiled[] | undefined;

function templates(): Compiled[] {
  if (compiled) return compiled;
  const out: Compiled[] = [];
  for (const r of loadReleases()) {
    const add = (key: TemplateKey, t: string | null | undefined) => {
      if (!t) return;
      const { re, vars } = templatePattern(t);
      out.push({ release: r, key, template: t, re, vars });
    };
    for (const t of r.messages.lengthFail) add('lengthFail', t);
    for (const t of r.messages.postLoadFail) add('postLoadFail', t);
    add('missing', r.messages.missing);
    add('unexpected', r.messages.unexpected);
    add('traceMissing', r.traceMissing);
    add('traceUnexpected', r.traceUnexpected);
    add('tracePostLoad', r.tracePostLoad);
  }
  return (compiled = out);
}

/**
 * What precedes a message: a libvirt timestamp, the `-msg timestamp=on`
 * trace prefix (`PID@SEC.USEC:`), and the program name error_report() and
 * warn_report() print (`qemu-system-aarch64: `, RHEL's `qemu-kvm: `).
 */
const PREFIX = /^(?:\d{4}-\d\d-\d\d[T ][\d:.]+Z?\s+)?(?:\d+@\d+\.\d+:)?(?:([\w./-]*qemu[\w.-]*):\s)?/;

/** The first word of every template, so that a wrapped mail line is told from the start of the next message. */
function startWords(): Set<string> {
  const s = new Set<string>(['Could', 'load', 'error', 'Failed', 'Invalid', 'warning:']);
  for (const c of templates()) {
    const w = /^[^\s{]+/.exec(c.template);
    if (w) s.add(w[0]);
  }
  return s;
}

/** How a printed register name reads back: its id, and the accelerator its form implies. */
export function parsePrintedName(name: string): { id?: bigint; accel?: Accel } {
  const t = name.trim();
  let m = /^system register 0x([0-9a-f]{1,8})$/i.exec(t);
  // print_register_name() of 11.1.1 (target/arm/machine.c:1068-1075): a QEMU cpreg id under TCG.
  if (m) return { id: cpregToKvmId(parseInt(m[1]!, 16) >>> 0), accel: 'tcg' };
  m = /^system register (op0:.*)$/i.exec(t);
  if (m) {
    const id = parseQemuName(m[1]!);
    return id === undefined ? { accel: 'kvm' } : { id, accel: 'kvm' };
  }
  const id = parseQemuName(t);
  if (id !== undefined) return { id, accel: 'kvm' };
  // kvm_print_register_name()'s default case: the index in hex, no 0x.
  if (/^[0-9a-f]{1,16}$/i.test(t)) return { id: BigInt('0x' + t), accel: 'kvm' };
  return {};
}

interface Record_ {
  text: string;
  first: string;
  line: number;
}

/** Splits the log into messages: mail quoting (`> `) is removed and lines a mailer wrapped are joined. */
function records(text: string): Record_[] {
  const starts = startWords();
  const out: Record_[] = [];
  let cur: Record_ | undefined;
  text.split(/\r?\n|\r/).forEach((raw, i) => {
    const l = raw.replace(/^(\s*>)+\s?/, '').trim();
    if (l === '') {
      cur = undefined;
      return;
    }
    const rest = l.slice(PREFIX.exec(l)![0].length);
    const word = /^\S+/.exec(rest)?.[0] ?? '';
    const isStart = PREFIX.exec(l)![0] !== '' || starts.has(word) || /^(Missing|Unexpected) register/.test(rest);
    if (!cur || isStart) {
      cur = { text: l, first: l, line: i + 1 };
      out.push(cur);
    } else cur.text += ' ' + l;
  });
  return out;
}

function num(vars: readonly string[], m: RegExpExecArray, k: string): number | undefined {
  const i = vars.indexOf(k);
  return i < 0 ? undefined : Number(m[i + 1]);
}

function str(vars: readonly string[], m: RegExpExecArray, k: string): string | undefined {
  const i = vars.indexOf(k);
  return i < 0 ? undefined : m[i + 1];
}

/** The events of one message from the release templates it matches (all of them agree on what it says). */
function fromTemplates(body: string, line: number, text: string): LogEvent | undefined {
  const hits: { c: Compiled; m: RegExpExecArray }[] = [];
  for (const c of templates()) {
    const m = c.re.exec(body);
    if (m) hits.push({ c, m });
  }
  if (hits.length === 0) return undefined;
  const releases = [...new Set(hits.map((h) => h.c.release.id))];
  const { c, m } = hits[0]!;
  // A line two kinds of failure share (the series' `error while loading state …`) says nothing of the cause.
  if ((c.key === 'lengthFail' || c.key === 'postLoadFail') && hits.some((h) => h.c.key !== c.key))
    return { kind: 'load-failed', cause: 'other', line, text, releases, ...errnoOf(body) };
  const get = (k: string) => str(c.vars, m, k);
  const n = (k: string) => num(c.vars, m, k);
  switch (c.key) {
    case 'missing':
    case 'unexpected':
    case 'traceMissing':
    case 'traceUnexpected': {
      const name = get('name');
      const hex = get('hex');
      const parsed = name !== undefined ? parsePrintedName(name) : {};
      const id = hex !== undefined ? BigInt(hex) : parsed.id;
      if (id === undefined) return undefined;
      const fn = get('fn');
      let accel: Accel | undefined = parsed.accel ?? (fn === 'kvm_arm_cpu_post_load' ? 'kvm' : undefined);
      // An AArch32 cpreg index is only ever migrated under TCG (KVM on arm64 lists none).
      if (accel === undefined && (id >> 56n) === 0x40n) accel = 'tcg';
      const tolerated = c.key.startsWith('trace') && c.release.interfaces.tolerances;
      const ev: { -readonly [K in keyof RegisterEvent]: RegisterEvent[K] } = {
        kind: c.key === 'missing' || c.key === 'traceMissing' ? 'missing' : 'unexpected',
        id,
        line,
        text,
        releases,
        tolerated,
        template: c.key,
      };
      if (name !== undefined) ev.printedName = name;
      if (accel !== undefined) ev.accel = accel;
      for (const k of ['n', 'v', 'i'] as const) {
        const x = n(k);
        if (x !== undefined) ev[k] = x;
      }
      return ev;
    }
    case 'tracePostLoad':
      return { kind: 'lengths', incoming: n('incoming')!, local: n('local')!, line, text, releases };
    case 'lengthFail':
      if (c.vars.includes('incoming')) return { kind: 'array-length', incoming: n('incoming')!, local: n('local')!, line, text, releases };
      return { kind: 'load-failed', cause: 'array-length', line, text, releases, ...errnoOf(body) };
    case 'postLoadFail':
      return { kind: 'load-failed', cause: 'post-load', line, text, releases, ...errnoOf(body) };
  }
}

function errnoOf(body: string): { errno?: string } {
  const m = /^load of migration failed: ([^:]+)/.exec(body);
  return m ? { errno: m[1]! } : {};
}

/** A line no release template has: kvm.c's write-back errors, and the migration core's other failures. */
function generic(body: string, line: number, text: string): LogEvent | undefined {
  // write_list_to_kvmstate(), target/arm/kvm.c:1039-1062 of 11.1.1 (the names of kvm_print_register_name()).
  let m = new RegExp(`^Could not set register (${NAME}) to (?:0x)?([0-9a-f]+) \\(is (?:0x)?([0-9a-f]+)\\)$`, 'i').exec(body);
  if (m) {
    const id = parsePrintedName(m[1]!).id;
    return { kind: 'set-failed', register: m[1]!, ...(id !== undefined ? { id } : {}), value: BigInt('0x' + m[2]), hostValue: BigInt('0x' + m[3]), line, text, releases: [] };
  }
  m = new RegExp(`^Could not set register (${NAME}): unknown to KVM$`, 'i').exec(body);
  if (m) {
    const id = parsePrintedName(m[1]!).id;
    return { kind: 'unknown-to-kvm', register: m[1]!, ...(id !== undefined ? { id } : {}), line, text, releases: [] };
  }
  // The assertion a release aborts with on a stream it cannot load (refusedStreams: the other lines they print are the usual ones).
  for (const r of loadReleases())
    for (const s of r.refusedStreams)
      for (const seen of s.seen)
        for (const l of seen.lines)
          if (/Assertion/.test(l) && (body === l || text.endsWith(l))) return { kind: 'load-failed', cause: 'outside', detail: s.why, line, text, releases: [r.id] };
  m = /^load of migration failed: ([^:]+): (.*)$/.exec(body);
  if (m) {
    const detail = m[2]!;
    // A subsection or a field outside the cpreg arrays: no register list explains it.
    const outside = /VM subsection '[^']+' in '[^']+' does not exist|Missing section footer|Unknown savevm section/.test(detail);
    return { kind: 'load-failed', cause: outside ? 'outside' : 'other', errno: m[1]!, detail, line, text, releases: [] };
  }
  return undefined;
}

/** Every message of a log that mtc understands, in log order. */
export function parseMigrationLog(text: string): LogEvent[] {
  const events: LogEvent[] = [];
  for (const r of records(text)) {
    for (const candidate of r.text === r.first ? [r.text] : [r.text, r.first]) {
      const t = candidate.replace(/\s+/g, ' ').trim();
      const body = t.slice(PREFIX.exec(t)![0].length);
      const ev = fromTemplates(body, r.line, t) ?? generic(body, r.line, t);
      if (ev) {
        events.push(ev);
        break;
      }
    }
  }
  return events;
}

/** The release a log was printed by: those whose templates every matching line fits, newest verified first. */
export function guessRelease(events: readonly LogEvent[]): { candidates: string[]; release?: ReleaseModel } {
  const all = loadReleases();
  let cand: Set<string> | undefined;
  for (const e of events) {
    if (e.releases.length === 0) continue;
    const s = new Set(e.releases);
    const next = cand ? new Set([...cand].filter((x) => s.has(x))) : s;
    // Lines of two releases (two migrations in one log): keep the earlier agreement.
    if (next.size > 0) cand = next;
  }
  if (!cand) return { candidates: [] };
  const list = all.filter((r) => cand!.has(r.id));
  const pick = [...list.filter((r) => r.verified), ...list].reduce<ReleaseModel | undefined>((best, r) => {
    if (!best) return r;
    if (best.verified !== r.verified) return best.verified ? best : r;
    return all.indexOf(r) > all.indexOf(best) ? r : best;
  }, undefined);
  return { candidates: list.map((r) => r.id), ...(pick ? { release: pick } : {}) };
}
