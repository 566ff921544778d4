/**
 * The documentation of a diagnostic code from the registry (the same text as
 * docs/diagnostics.md), as `mtc explain MTC2001` and `mtc codes` print it.
 */
import type { CodeInfo } from '../diagnostics/codes.js';
import { allCodes } from '../diagnostics/registry.js';

/** Whether an argument names a diagnostic code rather than a file (`MTC2001`, `mtc2001`). */
export function looksLikeCode(arg: string): boolean {
  return /^MTC\d+$/i.test(arg);
}

function wrap(text: string, width = 80): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

export function codeText(c: CodeInfo): string {
  return [`${c.code} ${c.name} (${c.severity})`, '', ...wrap(`${c.summary}.`), '', ...wrap(c.docs), ''].join('\n');
}

export function findCode(arg: string): CodeInfo | undefined {
  const want = arg.toUpperCase();
  return allCodes().find((c) => c.code === want);
}
