import type { Command } from 'commander';
import type { SetExit } from './types.js';
import type { SimulateCliOptions } from '../../simulate/command.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function register(program: Command, setExit: SetExit): void {
  program
    .command('simulate')
    .description(
      'predict live migration between host profiles for each machine type of a build document (matrix of ok, warn, dropped, unsafe, bug, unsupported, fail); exit 0 ok, 1 when a --policy/--require requirement fails, 2 on usage errors',
    )
    .option('--build <file>', 'build document written by `mtc build`', 'out/mtc-build.json')
    .option('--hosts <paths...>', 'host profiles, captured register lists or directories of them (default: the built-in profiles)')
    .option('--machine <names...>', 'machine types to simulate (default: all)')
    .option('--qemu <release>', 'QEMU release on both ends of KVM pairs (catalog/qemu/releases.yaml: 10.0, 10.2, x-mig-series, 11.0, 11.1; default: the newest); TCG hosts run their own')
    .option('--from-qemu <release>', 'QEMU release of KVM sources (default: --qemu)')
    .option('--to-qemu <release>', 'QEMU release of KVM destinations (default: --qemu)')
    .option('--qemu-tree <dir>', 'the destination is the QEMU source tree DIR: its release, and the tolerances it registers itself')
    .option('--policy <file>', 'YAML policy: what must migrate (schema/policy.schema.json)')
    .option('--require <spec>', 'a requirement, e.g. "virt-10.1: 6.6,6.12,6.15,6.18" [both|forward|backward] (repeatable)', collect)
    .option('--reg-value <reg=value>', 'source value of a register for tolerance value tests, e.g. KVM_REG_ARM_VENDOR_HYP_BMAP_2=0x1 (repeatable; default: reset value 0)', collect)
    .option('-f, --format <format>', 'text, markdown, json or html', 'text')
    .option('-o, --out <file>', 'write the output to a file instead of stdout')
    .option('--catalog <file...>', 'extra register catalog files that extend or override the built-in one (for the host profiles and --reg-value)')
    .option('--history <file>', 'a kernel-history file that extends the built-in one: the host profiles\' register lists follow it')
    .action(async (opts: SimulateCliOptions & { catalog?: string[]; history?: string }) => {
      const { catalog, history, ...rest } = opts;
      if (catalog !== undefined || history !== undefined) {
        // The simulator builds its host models from the built-in catalog and history: make the user's the run's.
        const inputs = await import('../run-inputs.js');
        const r = await inputs.useRunInputs({ ...(catalog ? { catalog } : {}), ...(history !== undefined ? { history } : {}) });
        if (r.diagnostics.length) {
          const { renderHuman, useColor } = await import('../../diagnostics/render.js');
          for (const d of r.diagnostics) process.stderr.write(renderHuman(d, { color: useColor(process.stderr), sources: new Map() }) + '\n');
        }
        if (r.diagnostics.some((d) => d.severity === 'error')) {
          setExit(2);
          return;
        }
      }
      const impl = await import('../../simulate/command.js');
      setExit(await impl.runSimulate(rest));
    });
}
