/**
 * What a QEMU migration log says about the CPU register
 * lists of the two ends, which registers differ and why (kernel history,
 * QEMU's own tolerances), what the chosen QEMU release prints for them, and
 * the rule to add. The log is read by ./log.ts against the release
 * templates of catalog/qemu/releases.yaml; the lines mtc prints as QEMU's are
 * rendered from the same templates. ./rule.ts writes the rule to add,
 * ./render.ts the report; the command is src/cli/commands/explain.ts.
 *
 * Over 400 lines: one analysis (log lines, registers, differences, causes)
 * whose steps share the evidence they gather; the reading of the log, the
 * rule and the report are already files of their own.
 *
 * May import: src/catalog, src/qemu, src/diagnostics (the model), this folder.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../diagnostics/source.js';
import { findBuiltinVersion, loadBuiltinProfile } from '../qemu/builtin.js';
import { locText, type BuiltinTolerance } from '../qemu/profile.js';
import { newestRelease, QEMU_PREFIX, registerName, renderLine, type ReleaseModel } from '../qemu/releases.js';
import { compileHistory, type KernelHistory, type PresenceChange } from '../catalog/history.js';
import { registerList, type HostProfile } from '../catalog/profile.js';
import { classOfId, idHex } from '../catalog/regid.js';
import type { Catalog } from '../catalog/types.js';
import { explainCodes } from './codes.js';
import { guessRelease, parseMigrationLog, parsePrintedName, type Accel, type RegisterEvent } from './log.js';
import { suggestRule } from './rule.js';
import { hex32, nameOf, type ExplainedRegister, type ExplainOptions, type ExplainResult, type Status } from './model.js';

export type { ExplainedRegister, ExplainOptions, ExplainResult, Status } from './model.js';

export { parseMigrationLog, type LogEvent } from './log.js';

/* ------------------------------------------------------------------------ */
/* Why a register differs: the kernel history and the TCG timeline.         */
/* ------------------------------------------------------------------------ */

interface Why {
  readonly name: string;
  readonly why: string[];
  readonly remedy: ExplainedRegister['remedy'];
  readonly range?: string;
  readonly commits: string[];
}

function prevRelease(h: KernelHistory, v: string): string {
  const i = h.releases.indexOf(v);
  return i > 0 ? h.releases[i - 1]! : v;
}

function describeChange(c: PresenceChange): string {
  const what = c.when === 'always' ? 'listed for every guest' : c.when === 'never' ? 'not listed' : `listed only when the host has ${c.when}`;
  const flags = [c.flavours ? `${c.flavours.join('/')} kernels only` : '', c.unverified ? 'unverified' : ''].filter(Boolean).join(', ');
  return `since Linux ${c.since}: ${what}${c.commit ? ` (commit ${c.commit})` : ''}${flags ? ` [${flags}]` : ''}${c.note ? `; ${c.note}` : ''}`;
}

export function explainRegister(catalog: Catalog, history: KernelHistory, id: bigint, direction: 'unexpected' | 'missing', accel?: Accel): Why {
  const name = nameOf(catalog, id);
  const c = compileHistory(history, catalog);
  const t = c.timelines.get(id);
  const why: string[] = [];
  const commits: string[] = [];
  const tcg = c.tcg.get(id);
  if (tcg) {
    why.push(`QEMU ${tcg.qemu_until ? `<= ${tcg.qemu_until}` : `>= ${tcg.qemu_since}`} migrates this cpreg index under TCG${tcg.note ? ` (${tcg.note})` : ''}`);
    if (tcg.commit) commits.push(tcg.commit);
    return { name, why, remedy: 'tcg', commits };
  }
  if (accel === 'tcg' || classOfId(id) === 'aarch32') {
    why.push(
      "under TCG the register list comes from the QEMU version and the -cpu model, not from a kernel: the two ends differ in one of them, and the history's TCG timeline does not list this register (different -cpu models do not migrate, whatever the rules)",
    );
    return { name, why, remedy: 'unknown', commits };
  }
  const cls = classOfId(id);
  if (cls === 'demux') {
    why.push("a CCSIDR demux entry: KVM lists one per cache level and type the host reports (a profile's `caches`), so the two hosts' caches differ");
    return { name, why, remedy: 'unknown', commits };
  }
  if (cls === 'core' || cls === 'sve') {
    why.push('a core or SVE register: QEMU syncs these outside the cpreg list, so a kernel difference in them does not show here');
    return { name, why, remedy: 'unknown', commits };
  }
  const changes = (t?.changes ?? []).filter((ch) => !ch.flavours);
  for (const ch of t?.changes ?? []) {
    why.push(describeChange(ch));
    if (ch.commit && !ch.flavours) commits.push(ch.commit);
  }
  const firstAlways = changes.find((ch) => ch.when === 'always');
  const laterGated = firstAlways && changes.find((ch) => ch.since !== firstAlways.since && ch.when !== 'always' && changes.indexOf(ch) > changes.indexOf(firstAlways));
  if (firstAlways && laterGated) {
    const range = `kernel ${firstAlways.since}..${prevRelease(history, laterGated.since)}`;
    why.push(
      direction === 'unexpected'
        ? `the source ran a kernel in ${firstAlways.since}..${prevRelease(history, laterGated.since)} (lists it for every guest); the destination runs ${laterGated.since} or later without ${laterGated.when}, so it is hidden there: forward migration fails`
        : `the destination lists it (a kernel in ${firstAlways.since}..${prevRelease(history, laterGated.since)}, or a host with ${laterGated.when}), the source does not; a missing register keeps its reset value and does not fail`,
    );
    return { name, why, remedy: 'tolerate', range, commits };
  }
  if (firstAlways && !t?.baseline) {
    why.push(
      direction === 'missing'
        ? `the destination runs Linux ${firstAlways.since} or later, the source an older kernel; missing does not fail this migration, but the reverse (backward) one carries a register its destination does not have`
        : `the source runs Linux ${firstAlways.since} or later, the destination an older kernel: a backward migration carries a register the destination does not have`,
    );
    return { name, why, remedy: 'hide', range: `since ${firstAlways.since}`, commits };
  }
  if (t && changes.length && changes.every((ch) => ch.when !== 'always')) {
    why.push(`listed only on hosts with ${changes.map((ch) => ch.when).join('/')}: the two hosts differ in that feature`);
    return { name, why, remedy: 'tolerate', commits };
  }
  if (!t) why.push('no kernel of the history lists it for a plain guest; a host-specific feature, a newer kernel or a capture may explain it');
  else why.push('the history lists it on every kernel; the hosts differ in something the history does not model (check with captured register lists)');
  return { name, why, remedy: 'unknown', commits };
}

/* ------------------------------------------------------------------------ */
/* What the chosen release does and prints.                                  */
/* ------------------------------------------------------------------------ */

/** The tolerances the release registers by itself that apply to this accelerator (target/arm/cpu64.c and helper.c of 11.1.1). */
function builtinTolerances(r: ReleaseModel, accel: Accel): { id: bigint; t: BuiltinTolerance; text: string }[] {
  if (!r.interfaces.tolerances || !r.tree) return [];
  const v = findBuiltinVersion(r.tree);
  if (!v) return [];
  const out: { id: bigint; t: BuiltinTolerance; text: string }[] = [];
  for (const t of loadBuiltinProfile(v).tolerances) {
    if (t.id === null) continue;
    if (!t.scope.accels.includes('any') && !t.scope.accels.includes(accel)) continue;
    const who = t.scope.cpus === 'host' ? '-cpu host under KVM' : t.scope.cpus === 'v7' ? `every v7 CPU under ${t.scope.accels.includes('any') ? 'any accelerator' : t.scope.accels.join(', ')}` : 'every CPU';
    const test = t.type === 'ToleranceOnlySrcTestValue' ? `, from the source only while (value & ${t.mask}) == ${t.value}` : '';
    out.push({ id: BigInt(t.id), t, text: `QEMU ${r.tree} tolerates it by itself for ${who}${test} (${locText(t.at)}, ${t.function ?? 'top level'}()): it prints no error for it, and a machine type that tolerates it again aborts QEMU (MTC7002)` });
  }
  return out;
}

/** One template of the release as QEMU prints it; trace events have no program name. */
function render(template: string, vars: Readonly<Record<string, string | number>>, trace: boolean): string {
  const line = renderLine(template, vars);
  return trace ? line.slice(QEMU_PREFIX.length) : line;
}

interface Walked {
  readonly lengthFails: boolean;
  readonly incomingOnly: bigint[];
  readonly localOnly: bigint[];
  readonly dropped: bigint[];
}

/** The two lists as the release's walk sees them (target/arm/machine.c, cited in releases.yaml). */
function walk(r: ReleaseModel, src: readonly bigint[], dst: readonly bigint[]): Walked {
  const s = new Set(src);
  const d = new Set(dst);
  const incomingOnly = src.filter((x) => !d.has(x));
  const localOnly = dst.filter((x) => !s.has(x));
  const last = dst.length ? dst[dst.length - 1]! : -1n;
  const dropped = r.walk === 'local-end' ? incomingOnly.filter((x) => x > last) : [];
  return { lengthFails: r.lengthCheck && src.length > dst.length, incomingOnly: incomingOnly.filter((x) => !dropped.includes(x)), localOnly, dropped };
}

/* ------------------------------------------------------------------------ */
/* The explanation.                                                          */
/* ------------------------------------------------------------------------ */

/** MTC2207: the refusals QEMU 11.1.1 forgets because a later incoming register is tolerated. */
function assignBug(release: ReleaseModel, refused: readonly ExplainedRegister[], last: ExplainedRegister, where: { file: string; span?: Diagnostic['span'] }): Diagnostic {
  const names = refused.map((x) => x.name);
  return {
    code: explainCodes.MTC2207.code,
    severity: 'warning',
    message: `the migration passes only because of QEMU ${release.tree ?? release.id}'s assignment bug (${release.cite.find((c) => c.includes('fail ='))?.replace(/ \(11\.1\.1, .*$/, '') ?? 'target/arm/machine.c'}): ${last.name}, the last register the destination lacks, is tolerated, which clears the refusal of ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}; ${names.length === 1 ? 'its value is' : 'their values are'} lost`,
    ...where,
    help: `tolerate ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''} on the machine type, or make both ends list ${names.length === 1 ? 'it' : 'them'}: a QEMU without the bug fails this migration`,
  };
}


const CAPTURE_HELP =
  'capture both ends with the guest\'s machine type and CPU: `mtc capture --qemu-binary QEMU -M MACHINE --cpu CPU -o source.yaml` on the source host and `… -o destination.yaml` on the destination, then run `mtc explain LOG --from source.yaml --to destination.yaml` (or `mtc simulate --hosts source.yaml destination.yaml`)';

export function explainLog(text: string, catalog: Catalog, history: KernelHistory, opts: ExplainOptions = {}): ExplainResult {
  const file = opts.file ?? 'log';
  const src = new SourceFile(file, text);
  const starts = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) starts.push(m.index! + m[0].length);
  /** A diagnostic's place: `needle` on the line of the log, else the line without its indentation. */
  const at = (line: number, needle?: RegExp) => {
    const t = src.lineText(line);
    const off = starts[line - 1] ?? 0;
    const m = needle?.exec(t);
    if (m) return { file, span: src.span(off + m.index, off + m.index + m[0].length) };
    return { file, span: src.span(off + (t.length - t.trimStart().length), off + t.length) };
  };
  const events = parseMigrationLog(text);
  const guess = guessRelease(events);
  const release = opts.qemu ?? guess.release ?? newestRelease();
  const releaseFrom: ExplainResult['releaseFrom'] = opts.qemu ? 'option' : guess.release ? 'log' : 'default';
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  if (opts.qemu && guess.candidates.length > 0 && !guess.candidates.includes(opts.qemu.id))
    diagnostics.push({
      code: explainCodes.MTC2202.code,
      severity: 'warning',
      message: `the log's lines are QEMU ${guess.candidates.join(' or ')}'s, not ${opts.qemu.id}'s: the lines below are what ${opts.qemu.id} prints for the same registers`,
      ...at(events.find((e) => e.releases.length > 0)!.line, /(?<=: ).*/),
      label: `printed by QEMU ${guess.candidates.join(' or ')}`,
      help: 'leave out --qemu to print the lines of the release the log came from',
    });

  // The accelerator: what the log's names say, else the host profiles.
  const named = events.flatMap((e) => ((e.kind === 'unexpected' || e.kind === 'missing') && e.accel ? [e.accel] : []));
  const accel: Accel | undefined = named[0] ?? opts.to?.accel ?? opts.from?.accel;
  const nameAccel: Accel = accel ?? 'kvm';
  const tolerances = builtinTolerances(release, nameAccel);
  const tolById = new Map(tolerances.map((t) => [t.id, t]));
  const target = opts.target ?? (release.interfaces.xmig ? 'x-mig' : 'tolerances');

  const logIsRelease = !opts.qemu || guess.candidates.includes(opts.qemu.id);
  const profiles = !!(opts.from && opts.to);
  const registers: ExplainedRegister[] = [];
  const byId = new Map<bigint, ExplainedRegister>();
  const counters = { unexpected: 0, missing: 0 };
  const qemuLines = (id: bigint, direction: 'unexpected' | 'missing', status: Status, pos?: { v?: number; i?: number }): string[] => {
    const name = registerName(release, nameAccel, id);
    const trace = direction === 'unexpected' ? release.traceUnexpected : release.traceMissing;
    if (status === 'tolerated') return trace && release.interfaces.tolerances ? [render(trace, { name }, true)] : [];
    if (status === 'dropped') return [];
    const out: string[] = [];
    const t = direction === 'unexpected' ? release.messages.unexpected : release.messages.missing;
    // The series prints its per-register lines from kvm_arm_cpu_post_load() only: none under TCG.
    if (t && !(t.includes('{fn}') && nameAccel === 'tcg')) {
      const n = counters[direction]++;
      if (release.anomalyCap === null || n < release.anomalyCap) out.push(render(t, { fn: 'kvm_arm_cpu_post_load', n, hex: idHex(id), name }, false));
    }
    // The series' trace events carry both list positions, known when the log gave them.
    if (trace && !release.interfaces.tolerances && pos?.v !== undefined && pos.i !== undefined) out.push(render(trace, { v: pos.v, i: pos.i, hex: idHex(id), name }, true));
    return out;
  };
  const add = (id: bigint, direction: 'unexpected' | 'missing', status: Status, extra: { logLine?: number; why?: string[]; pos?: { v?: number; i?: number } } = {}) => {
    const seen = byId.get(id);
    if (seen) return seen;
    const tol = tolById.get(id);
    let canTolerate = !!tol && (tol.t.type === 'ToleranceNotOnBothEnds' || direction === 'unexpected');
    const valueWhy: string[] = [];
    // What the log says QEMU did wins over what mtc expects it to do, when the log is of this release.
    if (canTolerate && extra.logLine !== undefined && status !== 'tolerated' && logIsRelease) {
      canTolerate = false;
      valueWhy.push(`${tol!.text.replace(/: it prints no error.*$/, '')}; this destination printed a line for it, so it did not apply that tolerance (another -cpu than the one it covers, or another QEMU)`);
    }
    if (canTolerate && tol!.t.type === 'ToleranceOnlySrcTestValue') {
      // match_cpreg_mig_tolerance(): (incoming & mask) == value (target/arm/cpu.c:234-275 of 11.1.1).
      const sent = opts.from?.values?.get(id);
      const mask = BigInt(tol!.t.mask ?? '0');
      const want = BigInt(tol!.t.value ?? '0');
      if (sent === undefined) valueWhy.push(`QEMU ${release.id} tests the value the source sends; mtc takes its reset value 0 (a captured profile of the source gives the real one)`);
      else if ((BigInt(sent) & mask) !== want) {
        canTolerate = false;
        valueWhy.push(`the source sends ${sent}, which fails QEMU ${release.id}'s test (value & ${tol!.t.mask}) == ${tol!.t.value}: not tolerated`);
      }
    }
    const st: Status = canTolerate && (status === 'fails' || status === 'missing') ? 'tolerated' : status;
    const w = explainRegister(catalog, history, id, direction, accel);
    const why = [...valueWhy, ...(extra.why ?? []), ...w.why];
    if (canTolerate) why.unshift(tol!.text);
    // A log that does not name a register its QEMU tolerates: that QEMU says so only in a trace event.
    if (canTolerate && extra.logLine === undefined && events.length > 0 && logIsRelease) {
      const trace = direction === 'unexpected' ? release.traceUnexpected : release.traceMissing;
      const event = trace ? /^\S+/.exec(trace)?.[0] : undefined;
      why.unshift(`not in the log: QEMU ${release.id} tolerates it, which it prints only as a trace event${event ? ` (-trace ${event})` : ''}`);
    }
    const reg: ExplainedRegister = {
      id,
      name: w.name,
      direction,
      status: st,
      why,
      remedy: canTolerate ? 'qemu' : w.remedy,
      ...(w.range !== undefined && !canTolerate ? { range: w.range } : {}),
      commits: w.commits,
      ...(extra.logLine !== undefined ? { logLine: extra.logLine } : {}),
      qemuLines: qemuLines(id, direction, st, extra.pos),
    };
    byId.set(id, reg);
    registers.push(reg);
    return reg;
  };

  // Registers the log names.
  for (const e of events) {
    if (e.kind !== 'unexpected' && e.kind !== 'missing') continue;
    const status: Status = e.tolerated ? 'tolerated' : e.kind === 'unexpected' ? 'fails' : 'missing';
    const extra: string[] = [];
    if (e.tolerated && !tolById.has(e.id)) extra.push(`QEMU ${release.id} printed that it tolerates it (a tolerance of the machine type, or of the QEMU that printed the log)`);
    add(e.id, e.kind, status, { logLine: e.line, why: extra, pos: { ...(e.v !== undefined ? { v: e.v } : {}), ...(e.i !== undefined ? { i: e.i } : {}) } });
    if (e.printedName) {
      const p = parsePrintedName(e.printedName);
      if (p.id !== undefined && p.id !== e.id) notes.push(`line ${e.line}: QEMU printed \`${e.printedName}\` for ${idHex(e.id)}, which mtc decodes as ${idHex(p.id)}`);
    }
  }

  // The host profiles: what the release's walk does with the two lists.
  if (opts.from && opts.to) {
    const a = registerList(opts.from, catalog, history);
    const b = registerList(opts.to, catalog, history);
    const w = walk(release, a, b);
    if (w.lengthFails)
      notes.push(
        `QEMU ${release.id} checks the length first: ${opts.from.name} sends ${a.length} registers, ${opts.to.name} has ${b.length}, so it fails there without comparing any (${renderLine(release.messages.lengthFail[0] ?? '{incoming} > {local}', { incoming: a.length, local: b.length })})`,
      );
    const silent = release.names === 'none';
    for (const id of w.incomingOnly)
      add(id, 'unexpected', 'fails', { why: silent ? [`not named by QEMU ${release.id}, which stops at the first register it does not have and fails without a word`] : [] });
    for (const id of w.dropped) {
      // The length check comes first: a list it refuses is never walked, so nothing is dropped, the load fails.
      if (w.lengthFails) {
        add(id, 'unexpected', 'fails', { why: [`the destination does not have it, and the longer list fails QEMU ${release.id}'s length check before any register is compared`] });
        continue;
      }
      const r = add(id, 'unexpected', 'dropped', {
        why: [`sorts after ${opts.to.name}'s last register: QEMU ${release.id} never looks past its own list (walk \`${release.walk}\`, ${release.cite[0]}), so it drops the register without a word and the migration passes with the destination's reset value`],
      });
      if (r.status === 'dropped')
        diagnostics.push({
          code: explainCodes.MTC2206.code,
          severity: 'warning',
          message: `QEMU ${release.id} drops ${r.name} (${idHex(id)}) from ${opts.from.name} without a word: the migration to ${opts.to.name} passes and the guest loses its value`,
          file,
          help: r.remedy === 'hide' ? `hide it on the machine type (${r.range ?? ''}) so that neither end migrates it` : 'make both ends list it, or hide it on the machine type',
        });
    }
    for (const id of w.localOnly) add(id, 'missing', 'missing', silent ? { why: [`QEMU ${release.id} skips it without a word`] } : {});
    if (a.length === b.length && w.incomingOnly.length + w.dropped.length + w.localOnly.length === 0)
      notes.push(`${opts.from.name} and ${opts.to.name} list the same ${a.length} registers: QEMU ${release.id} loads the list as it is`);
    if (release.assignBug && w.incomingOnly.length > 0) {
      // Only the last incoming-only register's verdict counts (target/arm/machine.c:1161, 1186 of 11.1.1).
      const last = byId.get(w.incomingOnly.reduce((x, y) => (y > x ? y : x)));
      const refused = w.incomingOnly.map((id) => byId.get(id)!).filter((x) => x.status === 'fails');
      if (last?.status === 'tolerated' && refused.length > 0) diagnostics.push(assignBug(release, refused, last, { file }));
    }
    if (w.incomingOnly.length === 0 && w.dropped.length === 0 && events.some((e) => e.kind === 'load-failed' && e.cause === 'post-load'))
      notes.push(readBackNote(opts.from, opts.to, catalog, a, b));
  }

  // The same bug, read from the log: a refusal, a later tolerated register, and no failure.
  if (release.assignBug && !profiles) {
    const incoming = events.filter((e): e is RegisterEvent => e.kind === 'unexpected');
    const lastEv = incoming[incoming.length - 1];
    const refused = incoming.filter((e) => !e.tolerated).map((e) => byId.get(e.id)!);
    if (lastEv?.tolerated && refused.length > 0 && !events.some((e) => e.kind === 'load-failed'))
      diagnostics.push(assignBug(release, refused, byId.get(lastEv.id)!, at(refused[0]!.logLine ?? lastEv.line, /fail migration/)));
  }

  // What the log says without naming registers.
  const failsNamed = events.some((e) => (e.kind === 'unexpected' && !e.tolerated) || e.kind === 'set-failed' || e.kind === 'unknown-to-kvm');
  for (const e of events) {
    if (e.kind === 'array-length') {
      const n = e.incoming - e.local;
      if (profiles) {
        const a = registerList(opts.from!, catalog, history).length;
        const b = registerList(opts.to!, catalog, history).length;
        notes.push(
          `line ${e.line}: the source sent ${e.incoming} registers, the destination has ${e.local}` +
            (a !== e.incoming || b !== e.local ? ` (the host profiles list ${a} and ${b}: they describe other hosts, or hosts the history models only roughly; captured profiles of the two ends are exact)` : ' (as the host profiles list)'),
        );
      } else
        diagnostics.push({
          code: explainCodes.MTC2203.code,
          severity: 'note',
          message: `QEMU ${release.id} refused the register list by its length, before comparing any register: the source sent ${e.incoming}, the destination has ${e.local}, so the source lists at least ${n} register${n === 1 ? '' : 's'} the destination does not (more, if the destination also has some the source lacks); it names none of them`,
          ...at(e.line, /Invalid value \d+ expecting positive value <= \d+|cpreg_vmstate_array_len/),
          label: `${e.incoming} > ${e.local}`,
          help: CAPTURE_HELP,
        });
    } else if (e.kind === 'lengths') {
      notes.push(`line ${e.line}: the source sent ${e.incoming} registers, the destination has ${e.local}`);
    } else if (e.kind === 'load-failed' && e.cause === 'post-load' && !failsNamed && !profiles) {
      const v11 = release.walk === 'full';
      diagnostics.push({
        code: explainCodes.MTC2203.code,
        severity: 'note',
        message: v11
          ? `the CPU's post-load hook failed, yet QEMU ${release.id} printed no \`fail migration\` line (it prints one for every register it refuses, and a missing register never fails): the failure came after the walk, from a value that did not load: under TCG one that does not read back as written (write_list_to_cpustate(), e.g. a constant ID register that differs between the two CPU models), under KVM one the kernel refused (KVM_SET_ONE_REG)`
          : `the CPU's post-load hook failed and QEMU ${release.id} names no register: either the source sent a register this destination does not have (QEMU ${release.id} fails at the first one it meets, without a word; registers only the destination has never fail), or under TCG a value did not read back as written (write_list_to_cpustate())`,
        ...at(e.line, /post load hook failed[^\n]*|load of migration failed: [^:]+/),
        label: 'no register named',
        help: CAPTURE_HELP,
      });
    } else if (e.kind === 'load-failed' && e.cause === 'outside') {
      diagnostics.push({
        code: explainCodes.MTC2205.code,
        severity: 'note',
        message: `the migration failed outside the CPU register list${e.detail ? ` (${e.detail})` : ''}: no hide or tolerate rule changes that`,
        ...at(e.line, /VM subsection[^\n]*|Assertion[^\n]*/),
        help: 'run a destination QEMU at least as new as the source, or keep the source from sending that state',
      });
    } else if (e.kind === 'set-failed' || e.kind === 'unknown-to-kvm') {
      const name = e.id !== undefined ? nameOf(catalog, e.id) : e.register;
      if (e.kind === 'unknown-to-kvm') {
        notes.push(`line ${e.line}: the destination kernel does not know ${name} (${e.register}); it came from a newer source kernel`);
        if (e.id !== undefined) add(e.id, 'unexpected', 'fails', { logLine: e.line });
        continue;
      }
      const w = e.id !== undefined ? compileHistory(history, catalog).writable.get(e.id) : undefined;
      if (w)
        notes.push(
          `line ${e.line}: ${name} is invariant on the destination kernel (writable only since Linux ${w.since}, commit ${w.commit ?? '?'}): the source CPU has ${hex32(e.value)}, the destination ${hex32(e.hostValue)}; the hosts have different CPUs`,
        );
      else notes.push(`line ${e.line}: the destination kernel refused ${name} = ${hex32(e.value)} (it holds ${hex32(e.hostValue)})`);
    }
  }

  const rule = suggestRule(registers, events, catalog, history, target, opts.machine);
  return {
    events,
    release,
    releaseFrom,
    candidates: guess.candidates,
    ...(accel ? { accel } : {}),
    registers,
    notes,
    diagnostics,
    target,
    rule,
  };
}

/** Why an 11.1 (or 10.x) post-load failure with no register to blame happened, from the captured values. */
function readBackNote(from: HostProfile, to: HostProfile, catalog: Catalog, a: readonly bigint[], b: readonly bigint[]): string {
  const both = a.filter((x) => b.includes(x));
  const diff = from.values && to.values ? both.filter((id) => from.values!.get(id) !== undefined && to.values!.get(id) !== undefined && from.values!.get(id) !== to.values!.get(id)) : [];
  const ids = diff.filter((id) => /^(ID_|MIDR|REVIDR|AIDR|MPIDR|CTR_|CLIDR|CCSIDR|DCZID)/.test(catalog.lookupId(id)?.name ?? '')).slice(0, 5);
  const list = ids.map((id) => `${nameOf(catalog, id)} (${from.name} ${from.values!.get(id)}, ${to.name} ${to.values!.get(id)})`);
  return (
    `no register of ${from.name} is missing from ${to.name}, so the walk did not fail the migration: the post-load hook failed after it, on a value that did not load (under TCG: one that does not read back as written, write_list_to_cpustate())` +
    (diff.length ? `; the two ends hold different values in ${diff.length} registers both list${list.length ? `, among them ${list.join(', ')}` : ''}` : '')
  );
}

