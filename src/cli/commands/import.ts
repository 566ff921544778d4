/** `mtc import --qemu-tree DIR`: a QEMU tree's machine types and compat arrays into rule files (src/import), and the report. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { importTree, reportMarkdown, TreeError } from '../../import/import.js';
import { writeOutputFile } from '../../util/write-output.js';
import { parseFormat, printDiagnostics, reportUsage } from '../report.js';
import type { SetExit } from './types.js';

export interface ImportCliOptions {
  readonly qemuTree?: string;
  readonly family: string[];
  readonly out: string;
  readonly report?: string;
  readonly force?: boolean;
  readonly format: string;
}

export function register(program: Command, setExit: SetExit): void {
  program
    .command('import')
    .description(
      "read an existing QEMU tree's machine types and compat arrays into rule files (shared compat sets, one file per family) and report what the rules cannot carry; exit 0, 1 on errors, 2 on usage errors",
    )
    .requiredOption('--qemu-tree <dir>', 'top directory of the QEMU source tree to import')
    .option('--family <name...>', 'machine families to import (as `mtc qemu-profile` names them)', ['virt'])
    .option('-o, --out <dir>', 'directory for the rule files', 'rules')
    .option('--report <file>', 'write the import report (Markdown) to this file instead of standard output')
    .option('--force', 'overwrite rule files that exist and differ')
    .option('-f, --format <format>', 'diagnostics format: human, json, github, sarif', 'human')
    .action(async (opts: ImportCliOptions) => {
      setExit(await runImport(opts));
    });
}

/** `mtc import`: option checks, printing and exit codes; the work is src/import. */
async function runImport(opts: ImportCliOptions): Promise<number> {
  try {
    const format = parseFormat(opts.format);
    let result;
    try {
      result = importTree(opts.qemuTree!, { families: opts.family, dir: opts.out });
    } catch (e) {
      if (e instanceof TreeError) {
        await printDiagnostics(
          [{ code: 'MTC3011', severity: 'error', message: `cannot read the QEMU tree: ${e.message} (${e.file})`, help: 'give the top directory of a QEMU source tree (it has VERSION and hw/)' }],
          format,
          new Map(),
          0,
        );
        return 1;
      }
      throw e;
    }
    const diags = [...result.diagnostics];
    if (result.files.size > 0 && !opts.force)
      for (const [rel, text] of result.files) {
        const p = path.join(opts.out, rel);
        if (fs.existsSync(p) && fs.readFileSync(p, 'utf8') !== text)
          diags.push({
            code: 'MTC9002',
            severity: 'error',
            message: `${p} exists and differs from what import writes; nothing was written`,
            help: 'import into an empty directory (--out), or give --force to replace the files',
          });
      }
    if (!diags.some((d) => d.severity === 'error')) {
      fs.mkdirSync(opts.out, { recursive: true });
      for (const [rel, text] of result.files) {
        const d = writeOutputFile(path.join(opts.out, rel), text);
        if (d) diags.push(d);
      }
    }
    const md = reportMarkdown(result.report);
    if (opts.report) {
      const d = writeOutputFile(opts.report, md);
      if (d) diags.push(d);
    } else process.stdout.write(md);
    if (diags.length > 0) await printDiagnostics(diags, format, new Map(), 0);
    if (diags.some((d) => d.severity === 'error')) return 1;
    const machines = result.report.families.reduce((n, f) => n + f.machines.length, 0);
    process.stderr.write(
      `imported ${machines} machine types and ${result.report.sets.length} shared compat sets from QEMU ${result.report.qemu} into ${[...result.files.keys()].map((f) => path.join(opts.out, f)).join(', ')}; ${result.report.notExpressed.length} C statements stay in the tree (see the report)\n`,
    );
    return 0;
  } catch (e) {
    return reportUsage(e);
  }
}
