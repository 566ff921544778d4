/**
 * The review configuration of a rule tree (`rules/mtc.yaml` or `mtc.yaml`):
 * released machine types, waivers, host profiles. Read through the tree's
 * FileSystem (a git revision or a directory), validated with the ajv
 * standalone validator of config-schema.ts (schema/review-config.schema.json), errors located at the YAML node.
 */
import * as nodePath from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { FileSystem } from '../resolve/load.js';
import { ReadError } from '../util/read-file.js';
import { parseYamlText, schemaDiagnostics, type CompiledValidator } from '../catalog/yaml-file.js';
import { reviewCodes, ruleByIdOrName } from './codes.js';
// Compiled at build time from schema/review-config.schema.json (scripts/gen-validators.mjs): start-up compiles no schema.
import { validateReviewConfig } from './generated/config-validator.js';

export interface Waiver {
  /** Rule code, `MTC5001`. */
  readonly rule: string;
  readonly machine: string;
  readonly subject?: string;
  readonly reason: string;
  /** Where it is written, for reports and the unused-waiver warning. */
  readonly file: string;
  readonly line: number;
}

export interface ReviewConfig {
  /** Display path of the file, or undefined when the tree has none. */
  readonly file?: string;
  readonly released: readonly string[];
  readonly hosts: readonly string[];
  readonly waivers: readonly Waiver[];
  /** `qemu:`, the QEMU the rules are for by default. */
  readonly qemu?: string;
  /** `simulate:`, the QEMU releases of `mtc diff`'s migration matrix. */
  readonly simulate?: { readonly qemu?: string; readonly fromQemu?: string; readonly toQemu?: string };
  /** `families:`, with the line of each entry. */
  readonly families?: ReadonlyMap<string, import('../qemu/families.js').FamilyConfig>;
}

export const emptyConfig: ReviewConfig = { released: [], hosts: [], waivers: [] };

export const CONFIG_NAME = 'mtc.yaml';
const MAX_CONFIG_BYTES = 1024 * 1024;

function validate(): CompiledValidator {
  return validateReviewConfig as unknown as CompiledValidator;
}

/** `*` matches any run of characters; everything else literally (a linear matcher, never a regular expression). */
export { globMatch } from '../util/glob.js';
import { matchesEverything } from '../util/glob.js';

function relabel(d: Diagnostic): Diagnostic {
  return { ...d, code: reviewCodes.MTC5050.code, severity: 'error' };
}

/**
 * Finds the config of a tree: `explicit` (relative to the root) when given,
 * otherwise `<dir>/mtc.yaml` for each directory among `paths`, then
 * `mtc.yaml` at the root. Returns its absolute path in `fs`, or undefined.
 */
export function findConfig(fs: FileSystem, root: string, paths: readonly string[], explicit?: string): { abs?: string; diagnostics: Diagnostic[] } {
  if (explicit !== undefined) {
    const abs = nodePath.resolve(root, explicit);
    if (fs.kind(abs) !== 'file') return { diagnostics: [{ code: reviewCodes.MTC5050.code, severity: 'error', message: `config file \`${explicit}\` does not exist in this tree`, help: '--config takes a path relative to the rule tree root' }] };
    return { abs, diagnostics: [] };
  }
  const candidates = [...paths.map((p) => nodePath.resolve(root, p)).filter((abs) => fs.kind(abs) === 'dir').map((d) => nodePath.join(d, CONFIG_NAME)), nodePath.join(root, CONFIG_NAME)];
  for (const c of candidates) if (fs.kind(c) === 'file') return { abs: c, diagnostics: [] };
  return { diagnostics: [] };
}

/** Reads and validates one config file. Never throws: problems are MTC5050 diagnostics. */
export function readConfig(fs: FileSystem, abs: string, display: string): { config: ReviewConfig; diagnostics: Diagnostic[] } {
  const fail = (message: string) => ({ config: { ...emptyConfig, file: display }, diagnostics: [{ code: reviewCodes.MTC5050.code, severity: 'error' as const, message, file: display }] });
  let bytes: Uint8Array;
  try {
    bytes = fs.readFile(abs, MAX_CONFIG_BYTES);
  } catch (e) {
    if (e instanceof ReadError && e.kind === 'too-large') return fail(`\`${display}\` is larger than ${MAX_CONFIG_BYTES} bytes`);
    return fail(`cannot read \`${display}\`: ${e instanceof ReadError ? e.detail : (e as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(`\`${display}\` is not valid UTF-8`);
  }
  return parseConfigText(text, display);
}

export function parseConfigText(text: string, display: string): { config: ReviewConfig; diagnostics: Diagnostic[] } {
  const read = parseYamlText(text, display);
  const empty = { ...emptyConfig, file: display };
  if (read.diagnostics.length > 0) return { config: empty, diagnostics: read.diagnostics.map(relabel) };
  if (read.value === null || read.value === undefined) return { config: empty, diagnostics: [] }; // an empty file
  const schemaDiags = schemaDiagnostics(read, validate(), display).map(relabel);
  if (schemaDiags.length > 0) return { config: empty, diagnostics: schemaDiags };
  const v = read.value as {
    released?: string[];
    hosts?: string[];
    waivers?: { rule: string; machine: string; subject?: string; reason: string }[];
    qemu?: string;
    simulate?: { qemu?: string; 'from-qemu'?: string; 'to-qemu'?: string };
    families?: Record<string, import('../qemu/families.js').FamilyConfig>;
  };
  const diagnostics: Diagnostic[] = [];
  const waivers: Waiver[] = [];
  (v.waivers ?? []).forEach((w, i) => {
    const info = ruleByIdOrName(w.rule);
    const node = read.doc?.getIn(['waivers', i, 'rule'], true) as { range?: [number, number, number] } | undefined;
    const span = node?.range && read.source ? read.source.span(node.range[0], node.range[1]) : undefined;
    if (!info) {
      diagnostics.push({
        code: reviewCodes.MTC5050.code,
        severity: 'error',
        message: `${display}: waiver ${i + 1} names an unknown rule \`${w.rule}\``,
        file: display,
        ...(span ? { span } : {}),
        help: 'use a rule id such as MTC5001 or its name such as released-rule-removed (see docs/breaking-rules.md)',
      });
      return;
    }
    if (matchesEverything(w.machine)) {
      diagnostics.push({
        code: reviewCodes.MTC5050.code,
        severity: 'error',
        message: `${display}: waiver ${i + 1} has \`machine: "${w.machine}"\`, which would waive ${info.code} for every machine type`,
        file: display,
        ...(span ? { span } : {}),
        help: 'name the machine types the waiver is for (`virt-10.1`, or a pattern such as `virt-9.*`)',
      });
      return;
    }
    const line = span?.start.line ?? 1;
    waivers.push({ rule: info.code, machine: w.machine, ...(w.subject !== undefined ? { subject: w.subject } : {}), reason: w.reason, file: display, line });
  });
  const families = new Map<string, import('../qemu/families.js').FamilyConfig>();
  for (const [name, f] of Object.entries(v.families ?? {})) {
    const node = read.doc?.getIn(['families', name], true) as { range?: [number, number, number] } | undefined;
    const line = node?.range && read.source ? read.source.span(node.range[0], node.range[1]).start.line : undefined;
    families.set(name, { ...f, ...(line !== undefined ? { line } : {}) });
  }
  return {
    config: { file: display, released: v.released ?? [], hosts: v.hosts ?? [], waivers, ...(v.qemu !== undefined ? { qemu: v.qemu } : {}), ...(v.simulate !== undefined ? { simulate: simulateOf(v.simulate) } : {}), families },
    diagnostics,
  };
}

function simulateOf(s: { qemu?: string; 'from-qemu'?: string; 'to-qemu'?: string }): NonNullable<ReviewConfig['simulate']> {
  return { ...(s.qemu !== undefined ? { qemu: s.qemu } : {}), ...(s['from-qemu'] !== undefined ? { fromQemu: s['from-qemu'] } : {}), ...(s['to-qemu'] !== undefined ? { toQemu: s['to-qemu'] } : {}) };
}
