/**
 * Real qemu-system-aarch64 binaries for `npm run test:qemu`: built from the
 * trees of ../shared/qemu/ by scripts/qemu-trees.mjs (cached by the patch's
 * content), started with QMP on a unix socket this process listens on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient } from '../../src/capture/qmp.js';

export interface Qemu {
  readonly qmp: QmpClient;
  readonly child: ChildProcess;
  stderr(): string;
  /** Quits QEMU (QMP `quit`, then SIGKILL) and removes the socket directory. */
  stop(): Promise<void>;
}

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Starts QEMU with `args` and QMP connected to us. Resolves when QEMU greets
 * over QMP; rejects with QEMU's exit status and stderr if it exits first.
 */
export async function startQemu(bin: string, args: readonly string[]): Promise<Qemu> {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-qemu-'));
  const sock = join(dir, 'qmp.sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  const connected = new Promise<Socket>((r) => server.once('connection', r));
  const child = spawn(bin, [...args, '-qmp', `unix:${sock}`, '-nodefaults', '-display', 'none', '-S'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<Exited>((r) => child.once('exit', (code, signal) => r({ code, signal, stderr: err })));
  const first = await Promise.race([connected.then((s) => ({ s })), exited.then((e) => ({ e }))]);
  server.close();
  if ('e' in first) {
    rmSync(dir, { recursive: true, force: true });
    throw Object.assign(new Error(`QEMU exited before QMP (code ${first.e.code}, signal ${first.e.signal}): ${first.e.stderr.slice(0, 2000)}`), { exited: first.e });
  }
  const { client } = await QmpClient.open(first.s, 60_000);
  await client.command('qmp_capabilities');
  return {
    qmp: client,
    child,
    stderr: () => err,
    async stop() {
      await client.command('quit').catch(() => undefined);
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs QEMU to its end (for a start that must fail): exit status and stderr. */
export function runToExit(bin: string, args: readonly string[]): Promise<Exited> {
  return new Promise((resolve) => {
    const child = spawn(bin, [...args, '-nodefaults', '-display', 'none', '-S', '-qmp', 'null'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stderr: err });
    });
  });
}

export interface CompatProp {
  readonly 'qom-type': string;
  readonly property: string;
  readonly value: string;
}

/** QMP query-machines with compat-props: machine type name → its compat properties in order. */
export async function compatProps(bin: string): Promise<Map<string, CompatProp[]>> {
  const q = await startQemu(bin, ['-M', 'none', '-accel', 'tcg']);
  try {
    const r = (await q.qmp.command('query-machines', { 'compat-props': true })) as { name: string; 'compat-props'?: CompatProp[] }[];
    return new Map(r.map((m) => [m.name, (m['compat-props'] ?? []).map((p) => ({ 'qom-type': p['qom-type'], property: p.property, value: p.value }))]));
  } finally {
    await q.stop();
  }
}

/**
 * What a patch added to a machine type's compat properties: the patched list
 * minus the pristine one, taken out as a subsequence (the patch only adds
 * entries; QEMU's own stay in order around them). Throws when a pristine
 * entry is missing from the patched list.
 */
export function added(patched: readonly CompatProp[], pristine: readonly CompatProp[]): CompatProp[] {
  const out: CompatProp[] = [];
  let j = 0;
  const same = (a: CompatProp, b: CompatProp) => a['qom-type'] === b['qom-type'] && a.property === b.property && a.value === b.value;
  for (const p of patched) {
    if (j < pristine.length && same(p, pristine[j]!)) j++;
    else out.push(p);
  }
  if (j !== pristine.length) throw new Error(`the patched list lost QEMU's own entry ${JSON.stringify(pristine[j])}`);
  return out;
}
