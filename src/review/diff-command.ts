/** `mtc diff`: options → runDiff → the chosen format on stdout (or --output). */
import { writeOutputFile } from '../util/write-output.js';
import { renderHuman, useColor } from '../diagnostics/render.js';
import { loadBuiltinCatalog } from '../catalog/index.js';
import { useRunInputs } from '../cli/run-inputs.js';
import type { DiffCommandOptions } from '../cli/commands/diff.js';
import { limitsFrom, parseTarget } from '../cli/options.js';
import { findBuiltinVersion } from '../qemu/builtin.js';
import { releasesFrom } from '../simulate/command.js';
import { UsageError, reportUsage } from '../cli/report.js';
import { runDiff } from './diff.js';
import { renderMarkdown } from './render-markdown.js';
import { renderGithub, renderJson, renderSarif } from './render-ci.js';
import { renderText } from './render-text.js';
import { renderGitlab } from './gitlab.js';
import type { DiffReport } from './report-types.js';

export const diffFormats = ['text', 'markdown', 'json', 'github', 'sarif', 'gitlab'] as const;
export type DiffFormat = (typeof diffFormats)[number];

export function renderReport(report: DiffReport, format: DiffFormat): string {
  switch (format) {
    case 'markdown':
      return renderMarkdown(report);
    case 'json':
      return renderJson(report);
    case 'github':
      return renderGithub(report);
    case 'sarif':
      return renderSarif(report);
    case 'gitlab':
      return renderGitlab(report);
    default:
      return renderText(report);
  }
}

export async function runDiffCommand(paths: string[], opts: DiffCommandOptions, cwd = process.cwd()): Promise<number> {
  try {
    if (!(diffFormats as readonly string[]).includes(opts.format)) throw new UsageError(`--format must be one of ${diffFormats.join(', ')}, not \`${opts.format}\``);
    if (opts.base === undefined && opts.baseDir === undefined) throw new UsageError('give the tree before the change: --base REV (a git revision) or --base-dir DIR (a directory)');
    if (opts.base !== undefined && opts.baseDir !== undefined) throw new UsageError('give --base (a git revision) or --base-dir (a directory), not both');
    if (opts.head !== undefined && opts.headDir !== undefined) throw new UsageError('give --head (a git revision) or --head-dir (a directory), not both');
    // --qemu: the release of the matrix (both ends, unless --from-qemu/--to-qemu) and, when it is a built-in tree, the checks' QEMU.
    // Without them, the matrix takes the releases of the base tree's mtc.yaml (runDiff).
    const ends = (() => {
      try {
        const r = releasesFrom(opts);
        return { ...(opts.fromQemu ?? opts.qemu ? { from: r.from } : {}), ...(opts.toQemu ?? opts.qemu ? { to: r.to } : {}) };
      } catch (e) {
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
    })();
    const qemuSelection = {
      ...(opts.qemu !== undefined && findBuiltinVersion(opts.qemu) ? { qemu: opts.qemu } : {}),
      ...(opts.qemuTree !== undefined ? { qemuTree: opts.qemuTree } : {}),
    };
    // --catalog and --history: the checks of both trees take them explicitly, the matrix's host models as the run's.
    const { catalog, history, diagnostics } = await useRunInputs({ catalog: opts.catalog ?? [], ...(opts.history !== undefined ? { history: opts.history } : {}) });
    if (diagnostics.some((d) => d.severity === 'error')) {
      for (const d of diagnostics) process.stderr.write(`${d.severity}[${d.code}]: ${d.file ? `${d.file}: ` : ''}${d.message}\n`);
      return 2;
    }
    const { report, exitCode } = runDiff({
      cwd,
      ...(opts.base !== undefined ? { base: opts.base } : {}),
      ...(opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {}),
      ...(opts.head !== undefined ? { head: opts.head } : {}),
      ...(opts.headDir !== undefined ? { headDir: opts.headDir } : {}),
      paths,
      ...(opts.config !== undefined ? { config: opts.config } : {}),
      ...(opts.hosts !== undefined ? { hosts: opts.hosts } : {}),
      ...ends,
      qemuSelection,
      catalog: catalog ?? loadBuiltinCatalog(),
      ...(history ? { history } : {}),
      defaultTarget: parseTarget(opts.target),
      limits: limitsFrom(opts),
    });
    const text = renderReport(report, opts.format as DiffFormat);
    if (opts.output !== undefined) {
      const failed = writeOutputFile(opts.output, text);
      if (failed) {
        process.stderr.write(renderHuman(failed, { color: useColor(process.stderr), sources: new Map() }) + '\n');
        return 2;
      }
    } else process.stdout.write(text);
    return exitCode;
  } catch (e) {
    return reportUsage(e);
  }
}
