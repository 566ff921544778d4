/**
 * The start-up snapshot's warm-up (src/cli/warm-up.ts): it runs the check
 * path for real on its in-memory sample, so the functions a check uses are
 * compiled and the shipped data loaded in the snapshot. Its output is what
 * `mtc check` would report for the sample.
 */
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_COMMANDS, warmUp } from '../../src/cli/warm-up.js';

describe('warm-up for the start-up snapshot', () => {
  it('parses, validates and renders the sample: syntax and model diagnostics, located', async () => {
    const text = await warmUp();
    expect(text).toContain('error[MTC0006]: expected at least one register, found `;`');
    expect(text).toContain('--> rules/a.mtc:38:45');
    // The model rules ran against the shipped catalog, kernel history and QEMU 11.1.1's profile.
    expect(text).toContain('error[MTC2001]: unknown register `NO_SUCH_REG_EL1`');
    expect(text).toContain('--> rules/a.mtc:39:29');
    expect(text).toContain('error[MTC7002]: QEMU 11.1.1 already tolerates KVM_REG_ARM_VENDOR_HYP_BMAP_2 by itself');
    expect(text).toContain('warning[MTC2004]: tolerating `ID_AA64PFR0_EL1` in `virt-10.1` has no effect');
    expect(text).toContain('2 files checked: 3 errors, 3 warnings');
    // Rendered with and without colour.
    expect(text).toContain('\u001b[');
  });

  it('holds every command module but fmt (Prettier is read from disk when fmt runs)', () => {
    expect(SNAPSHOT_COMMANDS).toContain('check');
    expect(SNAPSHOT_COMMANDS).toContain('build');
    expect(SNAPSHOT_COMMANDS).toContain('simulate');
    expect(SNAPSHOT_COMMANDS).not.toContain('fmt');
  });
});
