import { ReadError, readRegularFile, readStdinBounded } from '../../util/read-file.js';

/** Largest migration log read. */
const MAX_LOG_BYTES = 64 * 1024 * 1024;
import { loadHistory } from '../history-file.js';
import { loadCatalog } from '../load.js';
import { compileHistory, loadBuiltinHistory, type KernelHistory, type PresenceChange } from '../history.js';
import { findProfile, loadProfile, registerList, type HostProfile } from '../profile.js';
import { classOfId, idHex, parseQemuName, qemuName } from '../regid.js';
import type { Catalog } from '../types.js';
import { sanitize } from '../../diagnostics/render.js';

/** One fact read from a QEMU migration failure log (domain.md §3). */
export type LogEvent =
  | { readonly kind: 'unexpected' | 'missing'; readonly index: number; readonly id: bigint; readonly printedName?: string; readonly line: number }
  | { readonly kind: 'array-length'; readonly incoming: number; readonly local: number; readonly line: number }
  | { readonly kind: 'set-failed'; readonly register: string; readonly id?: bigint; readonly value: bigint; readonly hostValue: bigint; readonly line: number }
  | { readonly kind: 'unknown-to-kvm'; readonly register: string; readonly id?: bigint; readonly line: number };

const START = /^(qemu-system-[\w-]+:|\S*kvm_arm_cpu_post_load|(Missing|Unexpected) register|Invalid value|Could not set|Failed to load|error while|load of migration)/;
const QEMU_NAME = '(op0:\\d+ op1:\\d+ crn:\\d+ crm:\\d+ op2:\\d+|fw feat reg \\d+|fw reg \\d+|core reg (?:0x)?[0-9a-f]+|demuxed reg (?:0x)?[0-9a-f]+|SVE VLS|SVE (?:zreg|preg) n:\\d+ slice:\\d+|SVE ffr slice:\\d+)';

/**
 * Reads a log: strips mail quoting (`> `), joins lines an editor or mailer
 * wrapped, and finds the messages of target/arm/machine.c and kvm.c.
 */
export function parseMigrationLog(text: string): LogEvent[] {
  const records: { text: string; line: number }[] = [];
  let cur: { text: string; line: number } | undefined;
  text.split(/\r?\n|\r/).forEach((raw, i) => {
    const l = raw.replace(/^(\s*>)+\s?/, '').trim();
    if (l === '') {
      cur = undefined;
      return;
    }
    if (!cur || START.test(l)) {
      cur = { text: l, line: i + 1 };
      records.push(cur);
    } else cur.text += ' ' + l;
  });
  const events: LogEvent[] = [];
  for (const r of records) {
    const t = r.text.replace(/\s+/g, ' ');
    let m = new RegExp(`(Missing|Unexpected) register in input stream: (\\d+) (0x[0-9a-f]{1,16})(?: ${QEMU_NAME})?`, 'i').exec(t);
    if (m) {
      const ev: { kind: 'unexpected' | 'missing'; index: number; id: bigint; printedName?: string; line: number } = {
        kind: m[1].toLowerCase() === 'missing' ? 'missing' : 'unexpected',
        index: +m[2],
        id: BigInt(m[3]),
        line: r.line,
      };
      if (m[4]) ev.printedName = m[4];
      events.push(ev);
      continue;
    }
    if ((m = /Invalid value (\d+) expecting positive value <= (\d+)/.exec(t))) {
      events.push({ kind: 'array-length', incoming: +m[1], local: +m[2], line: r.line });
      continue;
    }
    if ((m = new RegExp(`Could not set register (${QEMU_NAME.slice(1, -1)}|0x[0-9a-f]+|[0-9a-f]+) to (?:0x)?([0-9a-f]+) \\(is (?:0x)?([0-9a-f]+)\\)`, 'i').exec(t))) {
      const ev: { kind: 'set-failed'; register: string; id?: bigint; value: bigint; hostValue: bigint; line: number } = {
        kind: 'set-failed',
        register: m[1],
        value: BigInt('0x' + m[2]),
        hostValue: BigInt('0x' + m[3]),
        line: r.line,
      };
      const id = parseQemuName(m[1]) ?? (/^(0x)?[0-9a-f]+$/i.test(m[1]) ? BigInt(m[1].startsWith('0x') ? m[1] : '0x' + m[1]) : undefined);
      if (id !== undefined) ev.id = id;
      events.push(ev);
      continue;
    }
    if ((m = new RegExp(`Could not set register (${QEMU_NAME.slice(1, -1)}|0x[0-9a-f]+|[0-9a-f]+): unknown to KVM`, 'i').exec(t))) {
      const id = parseQemuName(m[1]);
      events.push(id !== undefined ? { kind: 'unknown-to-kvm', register: m[1], id, line: r.line } : { kind: 'unknown-to-kvm', register: m[1], line: r.line });
    }
  }
  return events;
}

export interface ExplainOptions {
  readonly machine?: string;
  readonly target?: 'x-mig' | 'tolerances';
  /** Profiles of the two hosts (built-in names or files), to name what `Invalid value` hides. */
  readonly from?: HostProfile;
  readonly to?: HostProfile;
}

interface Explained {
  readonly id: bigint;
  readonly name: string;
  readonly direction: 'unexpected' | 'missing';
  readonly why: string[];
  /** `tolerate` (listed by older kernels, hidden by newer), `hide` (added by newer kernels), `tcg`. */
  readonly remedy: 'tolerate' | 'hide' | 'tcg' | 'unknown';
  readonly range?: string;
  readonly commits: string[];
}

function prevRelease(h: KernelHistory, v: string): string {
  const i = h.releases.indexOf(v);
  return i > 0 ? h.releases[i - 1] : v;
}

function describeChange(c: PresenceChange): string {
  const what = c.when === 'always' ? 'listed for every guest' : c.when === 'never' ? 'not listed' : `listed only when the host has ${c.when}`;
  const flags = [c.flavours ? `${c.flavours.join('/')} kernels only` : '', c.unverified ? 'unverified' : ''].filter(Boolean).join(', ');
  return `since Linux ${c.since}: ${what}${c.commit ? ` (commit ${c.commit})` : ''}${flags ? ` [${flags}]` : ''}${c.note ? `; ${c.note}` : ''}`;
}

export function explainRegister(catalog: Catalog, history: KernelHistory, id: bigint, direction: 'unexpected' | 'missing'): Explained {
  const info = catalog.lookupId(id);
  const name = info?.name ?? idHex(id);
  const c = compileHistory(history, catalog);
  const t = c.timelines.get(id);
  const why: string[] = [];
  const commits: string[] = [];
  const tcg = c.tcg.get(id);
  if (tcg) {
    why.push(`QEMU ${tcg.qemu_until ? `<= ${tcg.qemu_until}` : `>= ${tcg.qemu_since}`} migrates this cpreg index under TCG${tcg.note ? ` (${tcg.note})` : ''}`);
    if (tcg.commit) commits.push(tcg.commit);
    return { id, name, direction, why, remedy: 'tcg', commits };
  }
  const changes = (t?.changes ?? []).filter((ch) => !ch.flavours);
  for (const ch of t?.changes ?? []) {
    why.push(describeChange(ch));
    if (ch.commit && !ch.flavours) commits.push(ch.commit);
  }
  const firstAlways = changes.find((ch) => ch.when === 'always');
  const laterGated = firstAlways && changes.find((ch) => ch.since !== firstAlways.since && ch.when !== 'always' && changes.indexOf(ch) > changes.indexOf(firstAlways));
  let remedy: Explained['remedy'] = 'unknown';
  let range: string | undefined;
  if (firstAlways && laterGated) {
    remedy = 'tolerate';
    range = `kernel ${firstAlways.since}..${prevRelease(history, laterGated.since)}`;
    why.push(
      direction === 'unexpected'
        ? `the source ran a kernel in ${firstAlways.since}..${prevRelease(history, laterGated.since)} (lists it for every guest); the destination runs ${laterGated.since} or later without ${laterGated.when}, so it is hidden there: forward migration fails`
        : `the destination lists it (a kernel in ${firstAlways.since}..${prevRelease(history, laterGated.since)}, or a host with ${laterGated.when}), the source does not; a missing register keeps its reset value and does not fail`,
    );
  } else if (firstAlways && !t?.baseline) {
    remedy = 'hide';
    range = `since ${firstAlways.since}`;
    why.push(
      direction === 'missing'
        ? `the destination runs Linux ${firstAlways.since} or later, the source an older kernel; missing does not fail this migration, but the reverse (backward) migration fails with "Unexpected register"`
        : `the source runs Linux ${firstAlways.since} or later, the destination an older kernel: backward migration fails`,
    );
  } else if (t && changes.length && changes.every((ch) => ch.when !== 'always')) {
    remedy = 'tolerate';
    why.push(`listed only on hosts with ${changes.map((ch) => ch.when).join('/')}: the two hosts differ in that feature`);
  } else if (!t) why.push('no kernel of the history lists it for a plain guest; a host-specific feature, a newer kernel or a capture may explain it');
  else why.push('the history lists it on every kernel; the hosts differ in something the history does not model (check with captured register lists)');
  return range === undefined ? { id, name, direction, why, remedy, commits } : { id, name, direction, why, remedy, range, commits };
}

export interface ExplainResult {
  readonly events: LogEvent[];
  readonly registers: Explained[];
  readonly notes: string[];
  readonly rule: string;
}

function hex32(v: bigint): string {
  return '0x' + v.toString(16);
}

export function explainLog(text: string, catalog: Catalog, history: KernelHistory, opts: ExplainOptions = {}): ExplainResult {
  const events = parseMigrationLog(text);
  const registers: Explained[] = [];
  const notes: string[] = [];
  const ruleLines: string[] = [];
  const target = opts.target ?? 'x-mig';
  const seen = new Set<bigint>();
  const addReg = (id: bigint, dir: 'unexpected' | 'missing') => {
    if (seen.has(id)) return;
    seen.add(id);
    registers.push(explainRegister(catalog, history, id, dir));
  };
  for (const e of events) {
    if (e.kind === 'unexpected' || e.kind === 'missing') {
      addReg(e.id, e.kind);
      if (e.printedName && parseQemuName(e.printedName) !== e.id) notes.push(`line ${e.line}: QEMU printed \`${e.printedName}\` for ${idHex(e.id)}, which mtc decodes as \`${qemuName(e.id)}\``);
    } else if (e.kind === 'array-length') {
      notes.push(
        `line ${e.line}: the source sent ${e.incoming} cpreg entries, the destination has ${e.local}: QEMU <= 10.2 fails on the length before comparing indexes, so ${e.incoming - e.local} or more registers the source lists are unknown here (QEMU 11.0 reports each one)`,
      );
      if (opts.from && opts.to) {
        const a = new Set(registerList(opts.from, catalog, history));
        const b = new Set(registerList(opts.to, catalog, history));
        for (const id of [...a].filter((x) => !b.has(x))) addReg(id, 'unexpected');
        for (const id of [...b].filter((x) => !a.has(x))) addReg(id, 'missing');
      } else notes.push('give --from and --to host profiles to name the registers that differ');
    } else if (e.kind === 'set-failed' || e.kind === 'unknown-to-kvm') {
      const info = e.id !== undefined ? catalog.lookupId(e.id) : undefined;
      const name = info?.name ?? e.register;
      if (e.kind === 'unknown-to-kvm') {
        notes.push(`line ${e.line}: the destination kernel does not know ${name} (${e.register}); it came from a newer source kernel`);
        if (e.id !== undefined) addReg(e.id, 'unexpected');
        continue;
      }
      const w = e.id !== undefined ? compileHistory(history, catalog).writable.get(e.id) : undefined;
      if (w) {
        notes.push(
          `line ${e.line}: ${name} is invariant on the destination kernel (writable only since Linux ${w.since}, commit ${w.commit ?? '?'}): the source CPU has ${hex32(e.value)}, the destination ${hex32(e.hostValue)}; the hosts have different CPUs`,
        );
        if (name === 'MIDR_EL1') {
          ruleLines.push(`  // With Linux ${w.since}+ on every host, list each CPU the guest may run on:`);
          ruleLines.push(`  allow cpu ${hex32(e.value)};`);
          ruleLines.push(`  allow cpu ${hex32(e.hostValue)};`);
          ruleLines.push(`  requires kernel ${w.since};`);
        }
      } else notes.push(`line ${e.line}: the destination kernel refused ${name} = ${hex32(e.value)} (it holds ${hex32(e.hostValue)})`);
    }
  }
  const byRemedy = (r: Explained['remedy']) => registers.filter((x) => x.remedy === r);
  const commitsOf = (xs: Explained[]) => [...new Set(xs.flatMap((x) => x.commits))];
  const refs = (xs: Explained[], kind: string) => commitsOf(xs).map((c) => `    ref ${kind} "${c}";`);
  const tol = byRemedy('tolerate');
  const groups = new Map<string, Explained[]>();
  for (const r of tol) groups.set(r.range ?? '', [...(groups.get(r.range ?? '') ?? []), r]);
  for (const [range, xs] of groups) {
    ruleLines.push(`  tolerate ${xs.map((x) => x.name).join(', ')}${range ? ' ' + range : ''} {`);
    ruleLines.push(`    reason "listed by older kernels for every guest, hidden by newer ones without the feature: forward migration";`);
    ruleLines.push(...refs(xs, 'linux'), '  }');
  }
  for (const x of byRemedy('hide')) {
    if (target === 'tolerances') ruleLines.push(`  tolerate ${x.name} when value & 0xffffffffffffffff == 0 ${x.range ?? ''} {`.replace(/ +\{$/, ' {'));
    else ruleLines.push(`  hide ${x.name}${x.range ? ' ' + x.range : ''} {`);
    ruleLines.push(`    reason "newer kernels list it unconditionally; older ones cannot load it: backward migration";`);
    ruleLines.push(...refs([x], 'linux'), '  }');
  }
  const tcg = byRemedy('tcg');
  if (tcg.length) {
    ruleLines.push(`  tolerate ${tcg.map((x) => `${x.name} (${idHex(x.id)})`).join(', ')} {`);
    ruleLines.push(`    reason "TCG: older QEMU migrates this cpreg index, newer QEMU does not define it";`);
    ruleLines.push(...refs(tcg, 'qemu'), '  }');
  }
  for (const x of byRemedy('unknown')) ruleLines.push(`  // ${x.name} (${idHex(x.id)}): no rule suggested; the history does not explain the difference`);
  const machine = opts.machine ?? 'MACHINE';
  const rule = ruleLines.length ? `target ${target};\n\nmachine ${machine} {\n${ruleLines.join('\n')}\n}\n` : '';
  return { events, registers, notes, rule };
}

export interface ExplainCliOptions {
  readonly machine?: string;
  readonly target?: string;
  readonly catalog?: string[];
  readonly history?: string;
  readonly from?: string;
  readonly to?: string;
  readonly format?: string;
}

function profileArg(spec: string, catalog: Catalog): HostProfile {
  const p = findProfile(spec);
  if (p) return p;
  const r = loadProfile(spec, { catalog });
  if (!r.profile) throw new Error(r.diagnostics.map((d) => d.message).join('; ') || `no profile ${spec}`);
  return r.profile;
}

/** `mtc explain [log|-]`. Exit 0 when registers were explained, 1 when the log has no known message, 2 on usage errors. */
export async function run(file: string | undefined, opts: ExplainCliOptions, out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const target = opts.target ?? 'x-mig';
  if (target !== 'x-mig' && target !== 'tolerances') {
    err(`error[MTC9004]: --target must be x-mig or tolerances, not \`${target}\`\n`);
    return 2;
  }
  let text: string;
  try {
    // Bounded while reading: `< /dev/zero` or an endless pipe stops at the limit; a named log must be a regular file.
    const bytes = !file || file === '-' ? readStdinBounded(MAX_LOG_BYTES) : readRegularFile(file, { maxBytes: MAX_LOG_BYTES });
    text = bytes.toString('utf8');
  } catch (e) {
    const why = e instanceof ReadError ? (e.kind === 'too-large' ? 'log larger than 64 MiB' : e.kind === 'not-regular' ? `it is ${e.detail}, not a regular file` : e.detail) : String(e);
    err(`error[MTC9004]: cannot read ${sanitize(!file || file === '-' ? 'standard input' : file)}: ${why}\n`);
    return 2;
  }
  const { catalog, diagnostics } = loadCatalog({ files: opts.catalog ?? [] });
  let history = loadBuiltinHistory();
  if (opts.history) {
    const h = loadHistory(opts.history, { catalog });
    history = h.history;
    for (const x of h.diagnostics) diagnostics.push(x);
  }
  for (const d of diagnostics) err(`${d.severity}[${d.code}]: ${sanitize(d.file ?? '')}${d.span ? `:${d.span.start.line}:${d.span.start.column}` : ''}: ${sanitize(d.message)}\n`);
  if (diagnostics.some((d) => d.severity === 'error')) return 1;
  let eo: ExplainOptions = { target };
  try {
    if (opts.machine) eo = { ...eo, machine: opts.machine };
    if (opts.from) eo = { ...eo, from: profileArg(opts.from, catalog) };
    if (opts.to) eo = { ...eo, to: profileArg(opts.to, catalog) };
  } catch (e) {
    err(`error[MTC9004]: ${(e as Error).message}\n`);
    return 2;
  }
  const r = explainLog(text, catalog, history, eo);
  if (opts.format === 'json') {
    out(
      JSON.stringify(
        {
          registers: r.registers.map((x) => ({ id: idHex(x.id), name: x.name, class: classOfId(x.id), qemuName: qemuName(x.id), direction: x.direction, remedy: x.remedy, range: x.range ?? null, why: x.why })),
          notes: r.notes,
          rule: r.rule,
        },
        null,
        2,
      ) + '\n',
    );
    return r.events.length ? 0 : 1;
  }
  if (r.events.length === 0) {
    err('no QEMU migration message found (looked for "Unexpected/Missing register in input stream", "Invalid value N expecting positive value <= M", "Could not set register")\n');
    return 1;
  }
  const lines: string[] = [];
  for (const x of r.registers) {
    lines.push(`${x.direction === 'unexpected' ? 'Unexpected' : 'Missing'}: ${x.name} ${idHex(x.id)} (${qemuName(x.id)})`);
    lines.push(
      x.direction === 'unexpected'
        ? '  the source sent it, the destination does not have it: this fails the migration'
        : '  the destination has it, the source did not send it: it keeps its reset value (not fatal)',
    );
    for (const w of x.why) lines.push(`  - ${sanitize(w)}`);
    lines.push('');
  }
  for (const n of r.notes) lines.push(`note: ${sanitize(n)}`);
  if (r.notes.length) lines.push('');
  if (r.rule) {
    lines.push(`Rule to add${opts.machine ? '' : ' (give --machine to name the machine type)'}:`);
    lines.push('');
    lines.push(r.rule);
  }
  out(lines.join('\n'));
  return 0;
}
