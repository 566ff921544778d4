import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * Writes a report file given with --out/--output: to a temporary file in the
 * same directory, then renamed over the target, so a reader never sees half a
 * report. Returns an MTC9002 diagnostic instead of throwing.
 */
export function writeOutputFile(path: string, text: string): Diagnostic | undefined {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
    return undefined;
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the directory itself is unusable; nothing was written
    }
    return {
      code: 'MTC9002',
      severity: 'error',
      message: `cannot write ${path}: ${(e as Error).message}`,
      help: 'check that the directory can be created and written',
    };
  }
}
