import { hasErrors } from '../diagnostics/diagnostic.js';
import { loadCatalog } from '../catalog/index.js';
import { compile } from '../compile.js';
import type { CheckOptions } from './commands/check.js';
import { limitsFrom, parseTarget } from './options.js';
import { parseFormat, printDiagnostics, reportUsage } from './report.js';

export async function runCheck(paths: string[], opts: CheckOptions): Promise<number> {
  try {
    const format = parseFormat(opts.format);
    const limits = limitsFrom(opts);
    const defaultTarget = parseTarget(opts.target);
    const { catalog, diagnostics: catalogDiags } = loadCatalog({ files: opts.catalog ?? [] });
    const result = compile(paths.length > 0 ? paths : ['rules'], { catalog, limits, defaultTarget, root: opts.root });
    const diags = [...catalogDiags, ...result.diagnostics];
    await printDiagnostics(diags, format, result.project.sources, result.project.files.length);
    return hasErrors(diags) ? 1 : 0;
  } catch (e) {
    return reportUsage(e);
  }
}
