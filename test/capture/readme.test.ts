/** The `mtc capture` examples in README.md are what mtc and QEMU print. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';
import { fixtureDir, manifest, stream } from './support.js';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('### `mtc capture'), readme.indexOf('### `mtc diff'));

describe('README: mtc capture', () => {
  it('the profile shown starts as the golden profile of QEMU 10.2.2 -M virt-10.2 -cpu max', () => {
    const shown = section.slice(section.indexOf('# Host profile captured'), section.indexOf('registers:\n'));
    const golden = readFileSync(`${fixtureDir}qemu-10.2.2-virt-10.2-max.profile.yaml`, 'utf8');
    expect(shown.length).toBeGreaterThan(200);
    expect(golden.startsWith(shown)).toBe(true);
    expect(section).toContain('...                     # 363 in all');
    expect(golden.match(/^ {2}- "0x/gm)).toHaveLength(363);
  });

  it('the simulate line is the one QEMU 10.2.2 printed for max → cortex-a57', () => {
    const real = manifest.loads.find((l) => l.from === 'qemu-10.2.2-virt-10.2-max' && l.to === 'qemu-10.2.2-virt-10.2-cortex-a57')!;
    expect(section).toContain(`      ${real.stderr[0]}\n`);
  });

  it('the MTC8007 example is what mtc prints for a stream cut at 300000 bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-readme-'));
    try {
      writeFileSync(join(dir, 'cut.mig'), stream('qemu-10.2.2-virt-10.2-max').subarray(0, 300000));
      const r = runBin(['capture', '--stream', 'cut.mig', '--qemu-version', '10.2.2'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr.length).toBeGreaterThan(0);
      expect(section).toContain(r.stderr.trimEnd());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
