/**
 * The data of an explanation: what the destination does with each register
 * the two ends disagree on, and what was chosen to print it.
 *
 * May import: src/catalog, src/qemu, src/diagnostics (the model), ./log.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { HostProfile } from '../catalog/profile.js';
import { idHex } from '../catalog/regid.js';
import type { Catalog } from '../catalog/types.js';
import type { ReleaseModel } from '../qemu/releases.js';
import type { Accel, LogEvent } from './log.js';

export interface ExplainOptions {
  readonly machine?: string;
  /** The C target of the suggested rule (default: the chosen release's interface). */
  readonly target?: 'x-mig' | 'tolerances';
  /** Profiles of the two hosts (built-in names or files), to name what the log does not. */
  readonly from?: HostProfile;
  readonly to?: HostProfile;
  /** The release whose lines mtc prints (`--qemu`); default: the log's, else the newest. */
  readonly qemu?: ReleaseModel;
  /** The log's name in diagnostics. */
  readonly file?: string;
}

/** What the destination does with one register. */
export type Status =
  /** In the stream, not on the destination: the migration fails (QEMU names it, or 10.x stops at it silently). */
  | 'fails'
  /** In the stream, after the destination's last register: QEMU 10.x never looks at it. */
  | 'dropped'
  /** On the destination, not in the stream: keeps its reset value. */
  | 'missing'
  /** On one end only, and QEMU (or a machine type) tolerates it. */
  | 'tolerated';

export interface ExplainedRegister {
  readonly id: bigint;
  readonly name: string;
  /** Where the register is: only in the incoming stream, or only on the destination. */
  readonly direction: 'unexpected' | 'missing';
  readonly status: Status;
  readonly why: string[];
  /** `tolerate` (listed by older kernels, hidden by newer), `hide` (added by newer kernels), `tcg`, `qemu` (QEMU tolerates it by itself), `unknown`. */
  readonly remedy: 'tolerate' | 'hide' | 'tcg' | 'qemu' | 'unknown';
  readonly range?: string;
  readonly commits: string[];
  /** Line of the log that names it; absent when only the host profiles do. */
  readonly logLine?: number;
  /** What the chosen release prints for it (empty: nothing, as QEMU 10.x). */
  readonly qemuLines: string[];
}

export interface ExplainResult {
  readonly events: LogEvent[];
  /** The release whose lines are printed, and how it was chosen. */
  readonly release: ReleaseModel;
  readonly releaseFrom: 'option' | 'log' | 'default';
  /** Releases whose templates the log's lines match. */
  readonly candidates: string[];
  readonly accel?: Accel;
  readonly registers: ExplainedRegister[];
  readonly notes: string[];
  readonly diagnostics: Diagnostic[];
  readonly target: 'x-mig' | 'tolerances';
  readonly rule: string;
}

/** A register's name: the catalog's, else its id. */
export function nameOf(catalog: Catalog, id: bigint): string {
  return catalog.lookupId(id)?.name ?? idHex(id);
}

/** A 32-bit value as `allow cpu` and QEMU's MIDR messages write it. */
export function hex32(v: bigint): string {
  return '0x' + v.toString(16);
}
