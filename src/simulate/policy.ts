/**
 * Policies: what must hold, e.g. "virt-10.1 migrates both ways among 6.6,
 * 6.12, 6.15 and 6.18". From a YAML file (schema/policy.schema.json) or from
 * `--require "virt-10.1: 6.6,6.12,6.15,6.18 [both|forward|backward]"`.
 */
import { packageRootUrl } from '../util/package-root.js';
import { readFileSync } from 'node:fs';
import { ReadError, readRegularText } from '../util/read-file.js';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { simulateCodes } from './codes.js';
import type { Matrix } from './engine.js';
import type { HostModel, Outcome } from './types.js';
import { outcomes } from './types.js';
import { compareVersions } from './versions.js';

export type Direction = 'both' | 'forward' | 'backward';

export interface Requirement {
  readonly machine: string;
  /** Host names or kernel versions. */
  readonly hosts: readonly string[];
  readonly direction: Direction;
  readonly accept: readonly Outcome[];
  /** How it was written, for messages. */
  readonly text: string;
  /** File it came from, or `--require`. */
  readonly origin: string;
}

export interface PolicyCheck {
  readonly requirement: Requirement;
  readonly source: string;
  readonly destination: string;
  readonly outcome: Outcome;
  readonly passed: boolean;
}

export interface PolicyOutcome {
  readonly passed: boolean;
  readonly checks: readonly PolicyCheck[];
}

export class PolicyError extends Error {
  constructor(
    message: string,
    readonly code: string = simulateCodes.MTC4004.code,
  ) {
    super(message);
  }
}

export const defaultAccept: readonly Outcome[] = ['ok', 'warn'];

function describe(machine: string, hosts: readonly string[], direction: Direction): string {
  const dir = direction === 'both' ? 'both ways' : direction;
  return `${machine} migrates ${dir} among ${hosts.join(', ')}`;
}

/** `virt-10.1: 6.6,6.12,6.15,6.18` with an optional trailing `both`, `forward` or `backward`. */
export function parseRequireFlag(text: string): Requirement {
  const m = /^\s*([A-Za-z0-9_.+-]+)\s*:\s*([^\s].*?)\s*(?:\s(both|forward|backward))?\s*$/.exec(text);
  if (!m) throw new PolicyError(`--require \`${text}\`: expected \`MACHINE: HOST,HOST[,…] [both|forward|backward]\``);
  const hosts = m[2].split(',').map((s) => s.trim()).filter((s) => s !== '');
  // A word after the last host that is not a direction (`bothways`, `backwards`): say so, rather than
  // reading it as part of a host name.
  const lastWord = /\s([A-Za-z][A-Za-z-]*)$/.exec(m[2]);
  if (!m[3] && lastWord && !/,\s*[A-Za-z][A-Za-z-]*$/.test(m[2])) {
    const near = ['both', 'forward', 'backward'].find((d) => d.startsWith(lastWord[1]!.toLowerCase().slice(0, 4)));
    throw new PolicyError(
      `--require \`${text}\`: \`${lastWord[1]}\` is not a direction; write both (the default), forward (older to newer kernel) or backward${near ? ` (did you mean \`${near}\`?)` : ''}`,
    );
  }
  if (hosts.length < 2 || hosts.some((h) => /\s/.test(h)))
    throw new PolicyError(`--require \`${text}\`: list at least two hosts or kernel versions, separated by commas`);
  const direction = (m[3] as Direction | undefined) ?? 'both';
  return { machine: m[1], hosts, direction, accept: defaultAccept, text: describe(m[1], hosts, direction), origin: '--require' };
}

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let validator: Validator | undefined;

function policyValidator(): Validator {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv') as new (o: object) => { compile(s: object): Validator };
  // Found from the package root, so that it works from src/, dist/ and the bundled CLI alike.
  const schema = JSON.parse(readFileSync(new URL('schema/policy.schema.json', packageRootUrl()), 'utf8')) as object;
  validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return validator;
}

interface PolicyData {
  format: 1;
  require: { machine: string; hosts: (string | number)[]; direction?: Direction; accept?: Outcome[]; description?: string }[];
}

export function parsePolicyText(text: string, file: string): Requirement[] {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    throw new PolicyError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const v = policyValidator();
  if (!v(data)) {
    const errs = (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new PolicyError(`${file}: not a valid policy: ${errs.join('; ')}`);
  }
  const d = data as PolicyData;
  return d.require.map((r) => {
    // YAML reads `6.10` as the number 6.1; accept numbers only when they print back unambiguously.
    const hosts = r.hosts.map((h) => String(h));
    const direction = r.direction ?? 'both';
    return { machine: r.machine, hosts, direction, accept: r.accept ?? defaultAccept, text: r.description ?? describe(r.machine, hosts, direction), origin: file };
  });
}

const MAX_POLICY_BYTES = 1024 * 1024;

export function readPolicyFile(file: string): Requirement[] {
  let text: string;
  try {
    text = readRegularText(file, { maxBytes: MAX_POLICY_BYTES });
  } catch (e) {
    throw new PolicyError(`cannot read policy ${file}: ${e instanceof ReadError ? e.detail : (e as Error).message}`);
  }
  return parsePolicyText(text, file);
}

/** Hosts a selector names: a host name, else every host whose kernel (or TCG QEMU version) equals it. */
export function selectHosts(selector: string, hosts: readonly HostModel[]): number[] {
  const byName = hosts.findIndex((h) => h.name === selector);
  if (byName >= 0) return [byName];
  if (!/^[0-9]+(\.[0-9]+)*$/.test(selector)) return [];
  const out: number[] = [];
  hosts.forEach((h, i) => {
    const v = h.accel === 'kvm' ? h.kernel : h.qemu;
    if (v !== null && compareVersions(v, selector) === 0) out.push(i);
  });
  return out;
}

function hostVersion(h: HostModel): string {
  return (h.accel === 'kvm' ? h.kernel : h.qemu) ?? '0';
}

/** Checks every requirement against the matrix. Throws PolicyError for unknown machine types or hosts. */
export function evaluatePolicy(reqs: readonly Requirement[], matrix: Matrix): PolicyOutcome {
  const checks: PolicyCheck[] = [];
  for (const req of reqs) {
    const m = matrix.machines.findIndex((x) => x.name === req.machine);
    if (m < 0) throw new PolicyError(`${req.origin}: policy names machine type \`${req.machine}\`, which the build document does not have`, simulateCodes.MTC4003.code);
    const sel = new Set<number>();
    for (const s of req.hosts) {
      const found = selectHosts(s, matrix.hosts);
      if (found.length === 0) throw new PolicyError(`${req.origin}: policy host \`${s}\` matches no host name or kernel version`, simulateCodes.MTC4009.code);
      found.forEach((i) => sel.add(i));
    }
    const idx = [...sel].sort((a, b) => a - b);
    for (const s of idx)
      for (const d of idx) {
        if (s === d) continue;
        const cmp = compareVersions(hostVersion(matrix.hosts[s]), hostVersion(matrix.hosts[d]));
        if (req.direction === 'forward' && cmp > 0) continue;
        if (req.direction === 'backward' && cmp < 0) continue;
        const outcome = matrix.outcome(m, s, d);
        checks.push({ requirement: req, source: matrix.hosts[s].name, destination: matrix.hosts[d].name, outcome, passed: req.accept.includes(outcome) });
      }
  }
  return { passed: checks.every((c) => c.passed), checks };
}

export function policyDiagnostics(p: PolicyOutcome): Diagnostic[] {
  return p.checks
    .filter((c) => !c.passed)
    .map((c) => ({
      code: simulateCodes.MTC4005.code,
      severity: 'error' as const,
      message: `${c.requirement.text}: ${c.source} → ${c.destination} is \`${c.outcome}\`, not ${c.requirement.accept.map((a) => `\`${a}\``).join(' or ')}`,
      ...(c.requirement.origin !== '--require' ? { file: c.requirement.origin } : {}),
      help: 'see the cell\'s explanation in the matrix; add the missing hide/tolerate/allow rule, or relax the policy',
    }));
}

export { outcomes };
