import type { Severity } from './diagnostic.js';

/**
 * Documentation entry of one diagnostic code. Each stage of the pipeline owns
 * a table of these next to its code (syntax/codes.ts, validate/codes.ts, ...);
 * diagnostics/registry.ts gathers them for docs/diagnostics.md and the SARIF rule table.
 */
export interface CodeInfo {
  readonly code: string;
  /** Kebab-case id, stable like the code (used as SARIF rule name). */
  readonly name: string;
  readonly severity: Severity;
  /** One line: what the diagnostic is about. */
  readonly summary: string;
  /** A short paragraph for docs/diagnostics.md, with an example when it helps. */
  readonly docs: string;
}

export type CodeTable = Readonly<Record<string, CodeInfo>>;

/** Builds a table and checks, at load time, that each key matches its code. */
export function codeTable<K extends string>(entries: Record<K, Omit<CodeInfo, 'code'>>): Readonly<Record<K, CodeInfo>> {
  const out = {} as Record<K, CodeInfo>;
  for (const key of Object.keys(entries) as K[]) {
    if (!/^MTC\d{4}$/.test(key)) throw new Error(`bad diagnostic code ${key}`);
    out[key] = { code: key, ...entries[key] };
  }
  return out;
}
