#!/usr/bin/env node
// Takes the migration-stream fixtures of test/fixtures/capture/ from real QEMU
// binaries, and records what QEMU itself says about each stream, so that the
// tests can check mtc's stream reader against sources that do not use it:
//
//   - the stream (`migrate` to `file:`), brotli-compressed: <name>.mig.br
//   - QEMU's own count of each cpreg array, from its trace event
//     `vmstate_save_state_loop` (migration/trace-events:67 in 10.2.2, :69 in 11.1.1,
//     printed by vmstate_save_state_v before it writes a field: "cpu/cpreg_vmstate_indexes[363]")
//   - what QEMU's scripts/analyze-migration.py (from the source tree) reads in each cpu section:
//     the length, and a sha256 of the index and value lists as it prints them
//   - QMP facts: query-version, the machine's QOM type, query-cpus-fast, vCPU 0's `midr`
//   - what a destination QEMU prints when it loads a stream (`migrate-incoming file:`), for
//     pairs of CPU models: 10.2.2's length check names both list lengths, 11.1.1 names every
//     register one side lacks (and its trace event cpu_post_load both lengths)
//
// This script drives QEMU with its own small QMP client and imports nothing from src/.
//
//   MTC_QEMU_BIN_10_2_2=/path/qemu-system-aarch64 MTC_QEMU_BIN_11_1_1=/path/qemu-system-aarch64 \
//   MTC_QEMU_SRC_10_2_2=/path/qemu-10.2.2 MTC_QEMU_SRC_11_1_1=/path/qemu-11.1.1 \
//   node scripts/capture-fixtures.mjs [--out test/fixtures/capture]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'test/fixtures/capture';
const env = (k) => {
  const v = process.env[k];
  if (!v) {
    console.error(`set ${k}`);
    process.exit(2);
  }
  return v;
};
const qemus = {
  '10.2.2': { bin: env('MTC_QEMU_BIN_10_2_2'), src: env('MTC_QEMU_SRC_10_2_2') },
  '11.1.1': { bin: env('MTC_QEMU_BIN_11_1_1'), src: env('MTC_QEMU_SRC_11_1_1') },
};

/** The fixtures: QEMU version, machine type, CPU model, vCPUs. */
const fixtures = [
  { qemu: '10.2.2', machine: 'virt-10.2', cpu: 'max', smp: 1 },
  { qemu: '10.2.2', machine: 'virt-10.2', cpu: 'cortex-a57', smp: 1 },
  { qemu: '10.2.2', machine: 'virt-10.2', cpu: 'max', smp: 2 },
  { qemu: '11.1.1', machine: 'virt-11.1', cpu: 'max', smp: 1 },
  { qemu: '11.1.1', machine: 'virt-11.1', cpu: 'cortex-a57', smp: 1 },
  { qemu: '11.1.1', machine: 'virt-10.2', cpu: 'max', smp: 1 },
];
/** Loads: the stream of fixture `from` into a destination like fixture `to` (same QEMU and machine). */
const loads = [
  { from: 'qemu-10.2.2-virt-10.2-max', to: 'qemu-10.2.2-virt-10.2-max' },
  { from: 'qemu-10.2.2-virt-10.2-max', to: 'qemu-10.2.2-virt-10.2-cortex-a57' },
  { from: 'qemu-10.2.2-virt-10.2-cortex-a57', to: 'qemu-10.2.2-virt-10.2-max' },
  { from: 'qemu-11.1.1-virt-11.1-max', to: 'qemu-11.1.1-virt-11.1-max' },
  { from: 'qemu-11.1.1-virt-11.1-max', to: 'qemu-11.1.1-virt-11.1-cortex-a57' },
  { from: 'qemu-11.1.1-virt-11.1-cortex-a57', to: 'qemu-11.1.1-virt-11.1-max' },
];

const nameOf = (f) => `qemu-${f.qemu}-${f.machine}-${f.cpu}${f.smp > 1 ? `-smp${f.smp}` : ''}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function qmpConnect(path) {
  for (let i = 0; i < 200; i++) {
    try {
      const sock = await new Promise((res, rej) => {
        const s = connect(path, () => res(s));
        s.once('error', rej);
      });
      let buf = '';
      const waiting = [];
      const lines = [];
      sock.setEncoding('utf8');
      sock.on('data', (d) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const msg = JSON.parse(line);
          if (msg.event) continue;
          if (waiting.length) waiting.shift()(msg);
          else lines.push(msg);
        }
      });
      const next = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => waiting.push(r)));
      await next(); // greeting
      const cmd = async (execute, args) => {
        sock.write(JSON.stringify(args ? { execute, arguments: args } : { execute }) + '\n');
        const r = await next();
        if (r.error) throw new Error(`${execute}: ${r.error.desc}`);
        return r.return;
      };
      await cmd('qmp_capabilities');
      return { cmd, close: () => sock.destroy() };
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`no QMP socket at ${path}`);
}

function startQemu(bin, dir, f, extra) {
  const sock = join(dir, `qmp-${Math.random().toString(36).slice(2)}.sock`);
  const errFile = join(dir, `stderr-${Math.random().toString(36).slice(2)}.txt`);
  const fd = openSync(errFile, 'w');
  const argv = ['-S', '-nodefaults', '-no-user-config', '-nographic', '-display', 'none', '-M', f.machine, '-cpu', f.cpu, '-accel', 'tcg', '-smp', String(f.smp), ...extra, '-qmp', `unix:${sock},server=on,wait=off`];
  const child = spawn(bin, argv, { stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  const exited = new Promise((r) => child.once('exit', r));
  return { argv, sock, errFile, child, exited, stderr: () => readFileSync(errFile, 'utf8') };
}

async function waitMigration(q) {
  for (;;) {
    const s = await q.cmd('query-migrate');
    if (['completed', 'failed', 'cancelled'].includes(s.status)) return s;
    await sleep(50);
  }
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

function analyze(src, streamFile) {
  const r = spawnSync('python3', [join(src, 'scripts/analyze-migration.py'), '-f', streamFile], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`analyze-migration.py failed: ${r.stderr.slice(0, 2000)}`);
  const state = JSON.parse(r.stdout);
  const cpus = [];
  for (const [key, section] of Object.entries(state)) {
    if (!/^cpu \(\d+\)$/.test(key)) continue;
    const idx = [section.cpreg_vmstate_indexes].flat();
    const val = [section.cpreg_vmstate_values].flat();
    cpus.push({
      section: key,
      length: parseInt(section.cpreg_vmstate_array_len, 16),
      indexes: idx.length,
      first_index: idx[0],
      last_index: idx[idx.length - 1],
      indexes_sha256: sha256(idx.join('\n')),
      values_sha256: sha256(val.join('\n')),
    });
  }
  return cpus;
}

const dir = mkdtempSync(join(tmpdir(), 'mtc-fixtures-'));
mkdirSync(outDir, { recursive: true });
const manifest = {
  about:
    'Taken by scripts/capture-fixtures.mjs from QEMU binaries built from the Debian source trees of domain.md §7 (TCG). Each stream is <name>.mig.br (brotli). `trace` is QEMU\'s own vmstate_save_state_loop count of each cpu cpreg array; `analyze` is what the tree\'s scripts/analyze-migration.py reads (sha256 over its hex strings joined by newlines); `loads` is what a destination QEMU printed when it loaded a stream (migrate-incoming with exit-on-error false: stderr, and query-migrate\'s error-desc).',
  fixtures: {},
  loads: [],
};
const streams = {};
try {
  for (const f of fixtures) {
    const name = nameOf(f);
    const { bin, src } = qemus[f.qemu];
    const q0 = startQemu(bin, dir, f, ['-trace', 'vmstate_save_state_loop']);
    const q = await qmpConnect(q0.sock);
    const version = await q.cmd('query-version');
    const qomType = await q.cmd('qom-get', { path: '/machine', property: 'type' });
    const cpus = await q.cmd('query-cpus-fast');
    const midr = await q.cmd('qom-get', { path: cpus[0]['qom-path'], property: 'midr' });
    const streamFile = join(dir, `${name}.mig`);
    await q.cmd('migrate', { uri: `file:${streamFile}` });
    const st = await waitMigration(q);
    if (st.status !== 'completed') throw new Error(`${name}: migration ${st.status}: ${st['error-desc']}`);
    await q.cmd('quit').catch(() => undefined);
    q.close();
    await q0.exited;
    const trace = q0
      .stderr()
      .split('\n')
      .map((l) => /vmstate_save_state_loop cpu\/(cpreg_vmstate_(?:indexes|values|array_len))\[(\d+)\]/.exec(l))
      .filter(Boolean)
      .map((m) => `${m[1]}[${m[2]}]`);
    const stream = readFileSync(streamFile);
    streams[name] = streamFile;
    const br = brotliCompressSync(stream, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: stream.length } });
    writeFileSync(join(outDir, `${name}.mig.br`), br);
    manifest.fixtures[name] = {
      qemu: f.qemu,
      machine: f.machine,
      cpu: f.cpu,
      smp: f.smp,
      accel: 'tcg',
      argv: ['qemu-system-aarch64', ...q0.argv.slice(0, -2)],
      query_version: version,
      machine_qom_type: qomType,
      cpus: cpus.map((c) => ({ 'cpu-index': c['cpu-index'], 'qom-type': c['qom-type'] })),
      midr,
      stream_bytes: stream.length,
      stream_sha256: sha256(stream),
      compressed_bytes: br.length,
      trace,
      analyze: analyze(src, streamFile),
    };
    console.log(`${name}: ${stream.length} bytes, ${br.length} compressed, ${trace.join(' ')}`);
  }
  for (const l of loads) {
    const to = fixtures.find((f) => nameOf(f) === l.to);
    const extra = ['-incoming', 'defer'];
    if (to.qemu === '11.1.1') extra.push('-trace', 'cpu_post_load');
    const d = startQemu(qemus[to.qemu].bin, dir, to, extra);
    const q = await qmpConnect(d.sock);
    await q.cmd('migrate-incoming', { uri: `file:${streams[l.from]}`, 'exit-on-error': false });
    const st = await waitMigration(q);
    await q.cmd('quit').catch(() => undefined);
    q.close();
    await d.exited;
    const lines = d
      .stderr()
      .split('\n')
      .filter((x) => x.trim() !== '');
    manifest.loads.push({ from: l.from, to: l.to, status: st.status, ...(st['error-desc'] ? { error_desc: st['error-desc'] } : {}), stderr: lines });
    console.log(`${l.from} -> ${l.to}: ${st.status}, ${lines.length} lines`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
