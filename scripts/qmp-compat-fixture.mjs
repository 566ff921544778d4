#!/usr/bin/env node
// Takes what the real qemu-system-aarch64 of a QEMU tree reports through QMP
// `query-machines` with `compat-props: true` (issue 15) and writes it to
// test/fixtures/qemu-qmp/<version>.json, with the QEMU version the binary
// reports, so that `npm test` compares `mtc import`'s result with QEMU itself
// without building QEMU. `npm run test:qemu` compares live.
//
//   node scripts/qmp-compat-fixture.mjs [VERSION...]     (default: 10.2.2 11.1.1)
//
// The binary is the pristine build of scripts/qemu-trees.mjs (cached; built
// when missing, under the tree's lock).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBinary, repoRoot } from './qemu-trees.mjs';

export const FIXTURE_DIR = path.join(repoRoot, 'test', 'fixtures', 'qemu-qmp');

/** Runs `bin -M none -qmp stdio` and returns the answers to query-version and query-machines. */
export function queryMachines(bin) {
  return new Promise((resolve, reject) => {
    const q = spawn(bin, ['-M', 'none', '-accel', 'tcg', '-nodefaults', '-nographic', '-S', '-qmp', 'stdio', '-display', 'none', '-serial', 'none', '-monitor', 'none'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    let err = '';
    const answers = [];
    const send = (cmd) => q.stdin.write(JSON.stringify(cmd) + '\n');
    const timer = setTimeout(() => {
      q.kill('SIGKILL');
      reject(new Error(`QEMU did not answer within 60 s: ${err}`));
    }, 60_000);
    q.stderr.on('data', (d) => (err += d));
    q.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line) continue;
        const msg = JSON.parse(line);
        if (msg.QMP) {
          send({ execute: 'qmp_capabilities' });
          send({ execute: 'query-version' });
          send({ execute: 'query-machines', arguments: { 'compat-props': true } });
          send({ execute: 'quit' });
        } else if ('return' in msg || 'error' in msg) answers.push(msg);
      }
    });
    q.on('exit', () => {
      clearTimeout(timer);
      if (answers.length < 3 || answers.some((a) => a.error)) reject(new Error(`QMP failed: ${JSON.stringify(answers)} ${err}`));
      else resolve({ version: answers[1].return, machines: answers[2].return });
    });
  });
}

/**
 * The fixture document: every machine type of one family (`virt-*` by
 * default, `pc-q35-*` for qemu-system-x86_64) with its compat properties, in
 * QEMU's order.
 */
export function fixtureOf(treeVersion, answer, family = 'virt', binary = 'qemu-system-aarch64') {
  const q = answer.version.qemu;
  const machines = {};
  for (const m of [...answer.machines].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!new RegExp(`^${family}-[0-9]`).test(m.name)) continue;
    machines[m.name] = (m['compat-props'] ?? []).map((p) => ({ 'qom-type': p['qom-type'], property: p.property, value: p.value }));
  }
  return {
    description: `QMP query-machines with compat-props: true, from the real ${binary} built from this QEMU tree (scripts/qemu-trees.mjs, pristine); every ${family}-* machine type. Taken by scripts/qmp-compat-fixture.mjs.`,
    tree: treeVersion,
    qemu: `${q.major}.${q.minor}.${q.micro}`,
    package: answer.version.package ?? '',
    machines,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  // `--x86_64`: qemu-system-x86_64 and the pc-q35 family, into <version>-pc-q35.json.
  const x86 = process.argv.includes('--x86_64');
  const args = process.argv.slice(2).filter((a) => a !== '--x86_64');
  const versions = args.length > 0 ? args : ['10.2.2', '11.1.1'];
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const v of versions) {
    const binary = x86 ? 'qemu-system-x86_64' : 'qemu-system-aarch64';
    const family = x86 ? 'pc-q35' : 'virt';
    const bin = buildBinary(v, null, (m) => console.error(m), binary);
    const doc = fixtureOf(v, await queryMachines(bin), family, binary);
    const file = path.join(FIXTURE_DIR, x86 ? `${v}-pc-q35.json` : `${v}.json`);
    fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    console.log(`${file}: QEMU ${doc.qemu}, ${Object.keys(doc.machines).length} ${family} machine types`);
  }
}
