/**
 * `mtc explain [log|-]`: reads a QEMU migration log (bounded), the catalog,
 * the kernel history and the two host profiles, asks src/explain what the
 * log says and prints the report. `mtc explain MTC2001` prints a code's
 * documentation. Exit 0 when the log was explained, 1 when it has no known
 * message, 2 on usage errors.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { findProfile, loadProfile, type HostProfile } from '../../catalog/profile.js';
import { loadBuiltinHistory, type KernelHistory } from '../../catalog/history.js';
import type { Catalog } from '../../catalog/types.js';
import { explainLog, type ExplainOptions } from '../../explain/explain.js';
import { findRelease, releaseIds, type ReleaseModel } from '../../qemu/releases.js';
import { closest } from '../../util/words.js';
import { allCodes } from '../../diagnostics/registry.js';
import { codeText, findCode } from '../code-docs.js';
import type { SetExit } from './types.js';
import { ReadError, readRegularFile, readStdinBounded } from '../../util/read-file.js';
import { renderHuman, renderOneLine, sanitize, useColor } from '../../diagnostics/render.js';
import { SourceFile } from '../../diagnostics/source.js';
import { loadCatalog } from '../../catalog/load.js';
import { loadHistory } from '../../catalog/history-file.js';
import { explainCodes } from '../../explain/codes.js';
import { explainJson, humanReport, jsonDiagnostic } from '../../explain/render.js';

/** Largest migration log read. */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

export function register(program: Command, setExit: SetExit): void {
  program
    .command('explain')
    .description('explain a QEMU migration failure log (name each register, say why the hosts differ, print the rule to add), or a diagnostic code (`mtc explain MTC2001`)')
    .argument('[log]', 'log file, or - for standard input (default: standard input), or a diagnostic code such as MTC2001')
    .option('-m, --machine <machine>', 'machine type the suggested rule is for (e.g. virt-10.1)')
    .option('--target <target>', 'QEMU interface of the suggested rule: x-mig or tolerances (default: the interface of the --qemu release; tolerances for releases with neither)')
    .option('--qemu <release>', 'the QEMU release whose lines mtc prints: 10.0, 10.2, x-mig-series, 11.0 or 11.1 (default: the release whose lines the log has, else the newest)')
    .option('--from <profile>', 'source host profile (built-in name, profile YAML, `mtc capture` output or captured list), to name the registers the log does not')
    .option('--to <profile>', 'destination host profile (with --from)')
    .option('--catalog <file...>', 'extra register catalog files')
    .option('--history <file>', 'kernel history file that extends the built-in one')
    .option('-f, --format <format>', 'output format: human or json', 'human')
    .action(async (log: string | undefined, opts: { machine?: string; target?: string; qemu?: string; from?: string; to?: string; catalog?: string[]; history?: string; format?: string }) => {
      // `mtc explain MTC2001`: the code's documentation (a file of that name still wins).
      if (log !== undefined && /^MTC\d+$/i.test(log) && !existsSync(log)) {
        setExit(runExplainCode(log, opts.format));
        return;
      }
      setExit(await run(log, opts));
    });
}

export interface ExplainCliOptions {
  readonly machine?: string;
  readonly target?: string;
  readonly catalog?: string[];
  readonly history?: string;
  readonly from?: string;
  readonly to?: string;
  readonly qemu?: string;
  readonly format?: string;
}

async function profileArg(spec: string, catalog: Catalog, history: KernelHistory, warn: (d: Diagnostic) => void): Promise<HostProfile> {
  const p = findProfile(spec);
  if (p) return p;
  const r = loadProfile(spec, { catalog, history });
  if (!r.profile) throw new Error(r.diagnostics.map((d) => d.message).join('; ') || `no profile ${spec}`);
  for (const d of r.diagnostics) warn(d);
  return r.profile;
}

export async function run(file: string | undefined, opts: ExplainCliOptions, out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  if (opts.target !== undefined && opts.target !== 'x-mig' && opts.target !== 'tolerances') {
    err(`error[MTC9004]: --target must be x-mig or tolerances, not \`${opts.target}\`\n`);
    return 2;
  }
  let release: ReleaseModel | undefined;
  if (opts.qemu !== undefined) {
    release = findRelease(opts.qemu);
    if (!release) {
      err(
        renderHuman(
          { code: explainCodes.MTC2204.code, severity: 'error', message: `--qemu \`${opts.qemu}\` is not a QEMU release mtc has a model of`, help: `give one of ${releaseIds().join(', ')} (catalog/qemu/releases.yaml)` },
          { color: useColor(process.stderr), sources: new Map() },
        ) + '\n',
      );
      return 2;
    }
  }
  const shown = !file || file === '-' ? '<stdin>' : file;
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
  for (const d of diagnostics) err(renderOneLine(d) + '\n');
  if (diagnostics.some((d) => d.severity === 'error')) return 1;
  let eo: ExplainOptions = { file: shown };
  try {
    if (opts.target) eo = { ...eo, target: opts.target as 'x-mig' | 'tolerances' };
    if (release) eo = { ...eo, qemu: release };
    if (opts.machine) eo = { ...eo, machine: opts.machine };
    const warn = (d: Diagnostic) => err(renderOneLine(d) + '\n');
    if (opts.from) eo = { ...eo, from: await profileArg(opts.from, catalog, history, warn) };
    if (opts.to) eo = { ...eo, to: await profileArg(opts.to, catalog, history, warn) };
    if ((opts.from === undefined) !== (opts.to === undefined)) throw new Error('give both --from and --to (the source and the destination host)');
  } catch (e) {
    err(`error[MTC9004]: ${sanitize((e as Error).message)}\n`);
    return 2;
  }
  const r = explainLog(text, catalog, history, eo);
  const sources = new Map([[shown, new SourceFile(shown, text)]]);
  if (r.events.length === 0 && !(eo.from && eo.to)) {
    const d: Diagnostic = {
      code: explainCodes.MTC2201.code,
      severity: 'error',
      message: `no QEMU migration message in ${shown}`,
      file: shown,
      help: 'give the destination\'s log: QEMU\'s standard error, or /var/log/libvirt/qemu/GUEST.log on the destination host; mtc reads the lines of every release in catalog/qemu/releases.yaml (`… Unexpected register in input stream: …`, `… in the incoming stream but unknown on the destination: fail migration`, `Invalid value N expecting positive value <= M`, `load of migration failed: …`, `Could not set register …`) and their trace events',
    };
    if (opts.format === 'json') out(JSON.stringify({ diagnostics: [jsonDiagnostic(d)] }, null, 2) + '\n');
    else err(renderHuman(d, { color: useColor(process.stderr), sources }) + '\n');
    return 1;
  }
  if (opts.format === 'json') {
    out(explainJson(r));
    return 0;
  }
  out(humanReport(r, { ...(opts.machine ? { machine: opts.machine } : {}), color: useColor(process.stdout), sources }) + (r.rule ? '' : '\n'));
  return 0;
}

/** Prints one code's documentation. Exit 0, or 2 for an unknown code or format. */
export function runExplainCode(arg: string, format: string | undefined, out: (t: string) => void = (t) => process.stdout.write(t), err: (t: string) => void = (t) => process.stderr.write(t)): number {
  if (format !== undefined && format !== 'human' && format !== 'json') {
    err(`error[MTC9004]: --format must be human or json, not \`${format}\`\n`);
    return 2;
  }
  const c = findCode(arg);
  if (!c) {
    const near = closest(arg.toUpperCase(), allCodes().map((x) => x.code), 1);
    err(
      `error[MTC9004]: there is no diagnostic code ${arg}\n  = help: ${near ? `did you mean \`${near}\`? ` : ''}run \`mtc codes\` for the list of codes\n`,
    );
    return 2;
  }
  out(format === 'json' ? JSON.stringify(c, null, 2) + '\n' : codeText(c));
  return 0;
}
