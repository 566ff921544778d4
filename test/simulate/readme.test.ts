/**
 * README's `mtc simulate` section shows what mtc prints: the example's lines
 * (lines with `…` are abbreviated and skipped) are lines of the command's
 * output, and the matrix of the shipped rules is the one the command gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('### `mtc simulate [--build'), readme.indexOf('### `mtc capture --qemu-binary'));

describe('README: mtc simulate', () => {
  it('the example of a dropped register is what mtc prints', () => {
    // The block sits in a list item: its lines are indented by two spaces.
    const block = /\n *```\n *\$ (mtc simulate [^\n]*)\n([\s\S]*?)\n *```/.exec(section)!;
    expect(block).not.toBeNull();
    const r = runBin(block[1]!.split(' ').slice(1));
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n').map((l) => l.trim());
    const shown = block[2]!.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.includes('…'));
    expect(shown.length).toBeGreaterThan(1);
    for (const l of shown) expect(out, l).toContain(l);
  });

  it('the matrix of the shipped rules is the one the command gives', () => {
    const cmd = /\(`(mtc simulate --format markdown --machine virt-10\.2 --hosts [^`]*)`/.exec(section.replace(/\n/g, ' '))![1]!;
    const r = runBin(cmd.split(/\s+/).slice(1));
    expect(r.code).toBe(0);
    const table = (t: string) => t.split('\n').filter((l) => l.startsWith('| **') || l.startsWith('| source'));
    expect(table(section)).toEqual(table(r.stdout));
  });
});
