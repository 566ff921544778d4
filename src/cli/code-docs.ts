/**
 * `mtc explain MTC2001` and `mtc codes`: the documentation of diagnostic
 * codes from the registry (the same text as docs/diagnostics.md), in the
 * terminal where the diagnostic was printed.
 */
import type { CodeInfo } from './codes.js';
import { allCodes } from './registry.js';
import { closest } from '../util/words.js';

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

export interface ExplainIo {
  readonly stdout: (t: string) => void;
  readonly stderr: (t: string) => void;
}

const processIo: ExplainIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Prints one code's documentation. Exit 0, or 2 for an unknown code or format. */
export function runExplainCode(arg: string, format: string | undefined, io: ExplainIo = processIo): number {
  if (format !== undefined && format !== 'human' && format !== 'json') {
    io.stderr(`error[MTC9004]: --format must be human or json, not \`${format}\`\n`);
    return 2;
  }
  const c = findCode(arg);
  if (!c) {
    const near = closest(arg.toUpperCase(), allCodes().map((x) => x.code), 1);
    io.stderr(
      `error[MTC9004]: there is no diagnostic code ${arg}\n  = help: ${near ? `did you mean \`${near}\`? ` : ''}run \`mtc codes\` for the list of codes\n`,
    );
    return 2;
  }
  io.stdout(format === 'json' ? JSON.stringify(c, null, 2) + '\n' : codeText(c));
  return 0;
}

/** `mtc codes`: every code, one line each (or JSON). */
export function runCodes(format: string | undefined, io: ExplainIo = processIo): number {
  if (format !== undefined && format !== 'human' && format !== 'json') {
    io.stderr(`error[MTC9004]: --format must be human or json, not \`${format}\`\n`);
    return 2;
  }
  const codes = allCodes();
  if (format === 'json') {
    io.stdout(JSON.stringify({ format: 'mtc-codes', version: 1, codes }, null, 2) + '\n');
    return 0;
  }
  const w = Math.max(...codes.map((c) => c.name.length));
  const lines = codes.map((c) => `${c.code}  ${c.severity.padEnd(7)}  ${c.name.padEnd(w)}  ${c.summary}`);
  io.stdout([...lines, '', 'Run `mtc explain CODE` for the documentation of one code.', ''].join('\n'));
  return 0;
}
