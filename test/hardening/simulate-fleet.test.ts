/**
 * Issue 12, case 10 (`simulate` at fleet size) and the EPIPE part of case 12.
 *
 * 1000 host profiles: the bundled CLI must finish within a V8 heap of 192 MB
 * (`--max-old-space-size`, so "bounded memory" fails loudly, with no timing
 * involved): the outcomes live in one byte array, explanations are computed
 * while the output is written and dropped after, at most a fixed number per
 * machine type is explained in a large matrix, and every format is written
 * in chunks (JSON too: never one string; 400 hosts as JSON used to end in
 * `RangeError: Invalid string length`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks, lazyArray } from '../../src/util/json-stream.js';
import { MAX_EXPLAINED_CELLS } from '../../src/simulate/report.js';
import { BIN } from '../support/cli.js';

const BUILD = join(process.cwd(), 'out', 'mtc-build.json');

/** 1000 distinct hosts: kernels, CPUs and features varied deterministically. */
function fleet(n = 1000): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-fleet-'));
  const kernels = ['5.15', '6.1', '6.6', '6.12', '6.13', '6.15', '6.18'];
  const midrs = ['0x413fd0c1', '0xc00fac31', '0x410fd4f0'];
  const features = ['FEAT_TCR2', 'FEAT_S1PIE', 'FEAT_S1POE', 'FEAT_SCTLR2'];
  mkdirSync(join(dir, 'hosts'));
  for (let i = 0; i < n; i++) {
    const f = features.filter((_, j) => (i >> j) & 1);
    writeFileSync(
      join(dir, 'hosts', `h${String(i).padStart(4, '0')}.yaml`),
      `format: 1\nname: h${i}\nkernel: "${kernels[i % kernels.length]}"\ncpu: { midr: "${midrs[(i >> 3) % 3]}" }\nfeatures: [${f.join(', ')}]\n`,
    );
  }
  return dir;
}

function simulate(dir: string, format: string, out: string) {
  const args = ['--max-old-space-size=192', BIN, 'simulate', '--build', BUILD, '--hosts', join(dir, 'hosts'), '--machine', 'virt-10.1', '--format', format, '--out', out];
  return spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('case 10: simulate with 1000 hosts', () => {
  it('JSON, text, Markdown and HTML complete in a 192 MB heap; the JSON is complete and valid', () => {
    const dir = fleet();
    for (const format of ['json', 'text', 'markdown', 'html']) {
      const out = join(dir, `out.${format}`);
      const r = simulate(dir, format, out);
      expect(r.status, `${format}: ${r.stderr.slice(0, 600)}`).toBe(0);
      expect(statSync(out).size).toBeGreaterThan(4_000_000);
    }
    const doc = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      hosts: unknown[];
      machineTypes: { name: string; matrix: string[][]; cells: { outcome: string }[]; cellsOmitted?: number; counts: Record<string, number> }[];
    };
    expect(doc.hosts.length).toBe(1000);
    for (const m of doc.machineTypes) {
      expect(m.matrix.length).toBe(1000);
      expect(m.matrix.every((row) => row.length === 1000)).toBe(true);
      // Every outcome is in the matrix; explanations are bounded and the rest counted.
      const notOk = 1_000_000 - m.counts.ok;
      expect(m.cells.length).toBe(Math.min(notOk, MAX_EXPLAINED_CELLS));
      expect(m.cellsOmitted).toBe(notOk - m.cells.length);
      expect(m.cells.every((c) => c.outcome !== 'ok')).toBe(true);
      expect(Object.values(m.counts).reduce((a, b) => a + b, 0)).toBe(1_000_000);
    }
    expect(readFileSync(join(dir, 'out.text'), 'utf8')).toContain('more failing, unsafe, dropping or bug-dependent cells');
  });

  it('the streamed JSON is exactly JSON.stringify(value, null, 2), lazy arrays included', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect([...jsonChunks(v, 2)].join('')).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 500 },
    );
    const lazy = { a: lazyArray(() => [1, [2, 3], { b: lazyArray(() => []) }]), c: [] };
    expect([...jsonChunks(lazy, 2)].join('')).toBe(JSON.stringify({ a: [1, [2, 3], { b: [] }], c: [] }, null, 2));
  });
});

describe('case 12: `mtc simulate | head -1`', () => {
  it('exits quietly with its own exit code when the reader goes away', async () => {
    for (const args of [['simulate', '--build', BUILD], ['simulate', '--build', BUILD, '--format', 'json'], ['check', 'rules', '--format', 'json']]) {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      let first = '';
      await new Promise<void>((resolve) =>
        child.stdout.once('data', (d) => {
          first = String(d).split('\n')[0]!;
          child.stdout.destroy(); // what `head -1` does after its line
          resolve();
        }),
      );
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(first.length, args.join(' ')).toBeGreaterThan(0);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(0);
      expect(stderr, args.join(' ')).not.toMatch(/EPIPE|Error|at /);
    }
  });
});
