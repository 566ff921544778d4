/**
 * The `mtc explain` examples of README.md are what mtc prints: each `$ mtc
 * explain …` of the section is run, and every line shown under it (lines with
 * `…` are abbreviated and skipped) is a line of its output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('### `mtc decode <id|name|tuple>…`'), readme.indexOf('### `mtc fmt [--check]'));

interface Example {
  readonly command: string;
  readonly shown: string[];
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const block of section.matchAll(/```\n([\s\S]*?)```/g)) {
    let cur: Example | undefined;
    for (const line of block[1]!.split('\n')) {
      if (line.startsWith('$ ')) {
        cur = line.includes('mtc explain') ? { command: line.slice(2), shown: [] } : undefined;
        if (cur) out.push(cur);
      } else if (cur && line.trim() !== '' && !line.includes('…')) cur.shown.push(line);
    }
  }
  return out;
}

/** `echo 'LINE' | mtc explain ARGS` and `mtc explain ARGS < /dev/null`, as a shell would run them (no other syntax is used). */
function run(command: string): string {
  let input: string | undefined;
  let cmd = command;
  const echo = /^echo '([^']*)' \| (.*)$/.exec(cmd);
  if (echo) {
    input = echo[1] + '\n';
    cmd = echo[2]!;
  }
  if (cmd.endsWith(' < /dev/null')) {
    input = '';
    cmd = cmd.slice(0, -' < /dev/null'.length);
  }
  const args = cmd.split(/\s+/).slice(1);
  const r = runBin(args, process.cwd(), {}, input);
  return r.stdout + r.stderr;
}

describe('README: mtc explain', () => {
  const all = examples();
  it('has the examples of every form', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });
  it.each(all.map((e) => [e.command, e] as const))('%s', (_c, e) => {
    const lines = new Set(run(e.command).split('\n').map((l) => l.trimEnd()));
    for (const l of e.shown) expect(lines, l).toContain(l.trimEnd());
  });
});
