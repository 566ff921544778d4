import type { CodeInfo } from './codes.js';
import { syntaxCodes } from '../syntax/codes.js';
import { structuralCodes, ioCodes } from '../validate/codes.js';
import { catalogCodes } from '../catalog/codes.js';
import { emitCodes } from '../emit/codes.js';
import { buildCheckCodes } from '../validate/build-codes.js';
import { simulateCodes } from '../simulate/codes.js';
import { formatCodes } from '../format/codes.js';
import { reviewCodes } from '../review/codes.js';
import { qemuCodes } from '../qemu/codes.js';
import { captureCodes } from '../capture/codes.js';
import { explainCodes } from '../explain/codes.js';
import { importCodes } from '../import/codes.js';

/** Every diagnostic code of mtc, sorted. Codes are stable: never renumbered, never reused. */
export function allCodes(): CodeInfo[] {
  const tables = [syntaxCodes, structuralCodes, catalogCodes, explainCodes, buildCheckCodes, emitCodes, simulateCodes, reviewCodes, formatCodes, qemuCodes, importCodes, captureCodes, ioCodes];
  const out: CodeInfo[] = [];
  const seen = new Set<string>();
  for (const t of tables)
    for (const c of Object.values(t) as CodeInfo[]) {
      if (seen.has(c.code)) throw new Error(`diagnostic code ${c.code} is defined twice`);
      seen.add(c.code);
      out.push(c);
    }
  return out.sort((a, b) => (a.code < b.code ? -1 : 1));
}

let codeIndex: Map<string, CodeInfo> | undefined;
/** A code's entry in any table (for CI formats: rule names and descriptions). */
export function codeInfo(code: string): CodeInfo | undefined {
  if (!codeIndex) {
    codeIndex = new Map();
    for (const c of allCodes()) codeIndex.set(c.code, c);
  }
  return codeIndex.get(code);
}

export function codeName(code: string): string | undefined {
  return codeInfo(code)?.name;
}

/** docs/diagnostics.md: one short entry per code. */
export function diagnosticsMarkdown(): string {
  const lines = [
    '# mtc diagnostic codes',
    '',
    'Generated from the code tables in `src/` by `npm run docs`; a test fails when this file is stale.',
    'Codes are stable: a code is never renumbered or given another meaning.',
    '',
    '| range | stage |',
    '|---|---|',
    '| MTC00xx | lexing and parsing |',
    '| MTC10xx | structural checks (no catalog needed) |',
    '| MTC20xx, MTC21xx | register catalog, kernel history and host profiles |',
    '| MTC22xx | `mtc explain`: reading QEMU migration logs |',
    '| MTC30xx | build and emitters |',
    '| MTC40xx | simulator |',
    '| MTC50xx | review (`mtc diff`) |',
    '| MTC60xx | formatter |',
    '| MTC70xx | checks against the chosen QEMU tree or release |',
    '| MTC71xx | `mtc import`: reading a QEMU tree into rules |',
    '| MTC80xx | `mtc capture`: running QEMU, reading migration streams |',
    '| MTC90xx | input/output, usage and internal errors |',
    '',
  ];
  for (const c of allCodes()) {
    lines.push(`## ${c.code} \`${c.name}\` (${c.severity})`, '', `**${c.summary}.**`, '', c.docs, '');
  }
  return lines.join('\n');
}
