/**
 * `npm run test:qemu`: builds qemu-system-aarch64 from the 10.2.2 and 11.1.1
 * trees without any patch (cached by scripts/qemu-trees.mjs; cold 5 to 10
 * minutes each on 2 cores) and hands them to the tests that need pristine
 * binaries through MTC_QEMU_BIN_10_2_2 / MTC_QEMU_BIN_11_1_1, unless set.
 */
import * as trees from '../../scripts/qemu-trees.mjs';

export default function setup(): void {
  for (const v of ['10.2.2', '11.1.1']) {
    const key = `MTC_QEMU_BIN_${v.replace(/\./g, '_')}`;
    if (!process.env[key]) process.env[key] = trees.buildBinary(v, null, (m) => process.stderr.write(`${m}\n`));
  }
}
