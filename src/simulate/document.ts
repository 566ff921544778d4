/**
 * Reads the build document (src/contract/build-document.ts) into machine
 * models. Only `effective` of each machine type is used, its indexes looked up
 * in the document's `rules`.
 */
import { jsonErrorWhere, readRegularText } from '../util/read-file.js';
import { BUILD_DOCUMENT_FORMAT, BUILD_DOCUMENT_VERSION, type BuildDocument, type DocMachineType } from '../contract/build-document.js';
import type { MachineModel } from './types.js';

export class DocumentError extends Error {
  constructor(
    message: string,
    /** What to do about it, when there is more to say than the message. */
    readonly help?: string,
  ) {
    super(message);
  }
}

const HEX64 = /^0x[0-9a-fA-F]{1,16}$/;

function hex(v: unknown, where: string): bigint {
  if (typeof v !== 'string' || !HEX64.test(v)) throw new DocumentError(`${where}: expected a 0x hex string, got ${JSON.stringify(v)}`);
  return BigInt(v);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new DocumentError(`${where}: expected an array`);
  return v;
}

type Rules = readonly unknown[];

/** The rule at an index of a rule set, checked to be of the expected kind. */
function ruleAt(rules: Rules, ref: unknown, kind: string, where: string): Record<string, unknown> {
  if (typeof ref !== 'number' || !Number.isInteger(ref) || ref < 0 || ref >= rules.length)
    throw new DocumentError(`${where}: expected an index into \`rules\` (0 to ${rules.length - 1}), got ${JSON.stringify(ref)}`);
  const r = rules[ref];
  if (!isObj(r) || r.rule !== kind) throw new DocumentError(`${where}: rules[${ref}] is not a \`${kind}\` rule`);
  return r;
}

export function machineFromDoc(mt: DocMachineType, rules: Rules): MachineModel {
  const where = `machine type ${JSON.stringify(mt.name)}`;
  const e = mt.effective as unknown;
  if (!isObj(e)) throw new DocumentError(`${where}: missing \`effective\``);
  const names = new Map<bigint, string>();
  const hidden = arr(e.hidden, `${where}.effective.hidden`).map((ref, i) => {
    const h = ruleAt(rules, ref, 'hide', `${where}.effective.hidden[${i}]`);
    const id = hex(h.id, `${where}.effective.hidden[${i}].id`);
    if (typeof h.name === 'string') names.set(id, h.name);
    return id;
  });
  const tolerated = arr(e.tolerated, `${where}.effective.tolerated`).map((ref, i) => {
    const w = `${where}.effective.tolerated[${i}]`;
    const t = ruleAt(rules, ref, 'tolerate', w);
    const id = hex(t.id, `${w}.id`);
    if (typeof t.name === 'string') names.set(id, t.name);
    if (t.kind === 'one-end') return { id, kind: 'one-end' as const, mask: 0n, value: 0n };
    if (t.kind === 'source-value') return { id, kind: 'source-value' as const, mask: hex(t.mask, `${w}.mask`), value: hex(t.value, `${w}.value`) };
    throw new DocumentError(`${w}.kind: expected 'one-end' or 'source-value', got ${JSON.stringify(t.kind)}`);
  });
  const allowedCpus = arr(e.allowedCpus, `${where}.effective.allowedCpus`).map((ref, i) => {
    const w = `${where}.effective.allowedCpus[${i}]`;
    const c = ruleAt(rules, ref, 'allow', w);
    return {
      midr: hex(c.midr, `${w}.midr`),
      revidr: c.revidr === null || c.revidr === undefined ? null : hex(c.revidr, `${w}.revidr`),
      aidr: c.aidr === null || c.aidr === undefined ? null : hex(c.aidr, `${w}.aidr`),
    };
  });
  let requiresKernel: string | null = null;
  if (e.requiresKernel !== null && e.requiresKernel !== undefined) {
    const k = ruleAt(rules, e.requiresKernel, 'requires', `${where}.effective.requiresKernel`);
    if (typeof k.version !== 'string') throw new DocumentError(`${where}.effective.requiresKernel: expected { version }`);
    requiresKernel = k.version;
  }
  return { name: mt.name, arch: mt.arch ?? null, target: mt.target === 'tolerances' ? 'tolerances' : 'x-mig', hidden, tolerated, allowedCpus, requiresKernel, names };
}

/** Checks the envelope and decodes every machine type. Throws DocumentError. */
export function machinesFromDocument(doc: unknown): MachineModel[] {
  if (!isObj(doc)) throw new DocumentError('not a JSON object');
  if (doc.format !== BUILD_DOCUMENT_FORMAT) throw new DocumentError(`format is ${JSON.stringify(doc.format)}, expected "${BUILD_DOCUMENT_FORMAT}"`);
  if (typeof doc.version === 'number' && doc.version < BUILD_DOCUMENT_VERSION)
    throw new DocumentError(
      `version ${doc.version} was written by an older mtc; this mtc reads version ${BUILD_DOCUMENT_VERSION} (the linear form: every rule once, in \`rules\`, and each machine type's own compat properties)`,
      'rebuild it with this mtc: `mtc build` (or `npm start`), then run the command again',
    );
  if (doc.version !== BUILD_DOCUMENT_VERSION) throw new DocumentError(`version ${JSON.stringify(doc.version)} is not supported (expected ${BUILD_DOCUMENT_VERSION})`, 'use the mtc that wrote it, or rebuild it with this one');
  const rules = arr(doc.rules, 'rules');
  const mts = arr(doc.machineTypes, 'machineTypes');
  return mts.map((mt, i) => {
    if (!isObj(mt) || typeof mt.name !== 'string') throw new DocumentError(`machineTypes[${i}]: expected an object with a name`);
    return machineFromDoc(mt as unknown as DocMachineType, rules);
  });
}

/** Largest build document read (the 10 MB benchmark corpus writes well under it). */
export const MAX_BUILD_DOCUMENT_BYTES = 512 * 1024 * 1024;

export function readBuildDocument(file: string): MachineModel[] {
  let text: string;
  try {
    text = readRegularText(file, { maxBytes: MAX_BUILD_DOCUMENT_BYTES });
  } catch (e) {
    throw new DocumentError((e as Error).message);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DocumentError(`${file} is not JSON${jsonErrorWhere(e)}`);
  }
  return machinesFromDocument(doc as BuildDocument);
}

/**
 * Whether the simulator's host models apply to a machine type: they are arm64
 * KVM and arm TCG hosts, so machine types of another architecture (x86 `pc-*`)
 * have no matrix. Unknown architecture counts as arm.
 */
export function simulatable(m: MachineModel): boolean {
  return m.arch !== 'x86_64';
}
