import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { explainHint, renderHuman, renderJson, summaryLine, useColor } from '../diagnostics/render.js';
import type { SourceFile } from '../diagnostics/source.js';

export type DiagnosticFormat = 'human' | 'json' | 'github' | 'sarif' | 'gitlab';
export const diagnosticFormats: readonly DiagnosticFormat[] = ['human', 'json', 'github', 'sarif', 'gitlab'];

/**
 * Prints diagnostics in the chosen format. Human output goes to stderr (it is
 * for people); machine formats go to stdout (they are for tools).
 */
export async function printDiagnostics(
  diags: readonly Diagnostic[],
  format: DiagnosticFormat,
  sources: ReadonlyMap<string, SourceFile>,
  filesChecked: number,
): Promise<void> {
  switch (format) {
    case 'json':
      process.stdout.write(renderJson(diags));
      return;
    case 'github': {
      // GitHub Actions workflow commands (annotations), capped per GitHub's per-step limits.
      const { diagnosticsToGithub } = await import('../diagnostics/github.js');
      process.stdout.write(diagnosticsToGithub(diags));
      return;
    }
    case 'sarif': {
      const { diagnosticsToSarif } = await import('../diagnostics/sarif.js');
      process.stdout.write(diagnosticsToSarif(diags));
      return;
    }
    case 'gitlab': {
      // GitLab Code Quality report (a `codequality` artifact).
      const { diagnosticsToGitlab } = await import('../diagnostics/gitlab.js');
      process.stdout.write(diagnosticsToGitlab(diags, sources));
      return;
    }
    default: {
      const color = useColor(process.stderr);
      for (const d of diags) process.stderr.write(renderHuman(d, { color, sources }) + '\n\n');
      process.stderr.write(summaryLine(diags, filesChecked) + '\n');
      const hint = explainHint(diags);
      if (hint) process.stderr.write(hint + '\n');
    }
  }
}

export function parseFormat(value: string): DiagnosticFormat {
  if ((diagnosticFormats as readonly string[]).includes(value)) return value as DiagnosticFormat;
  throw new UsageError(`--format must be one of ${diagnosticFormats.join(', ')}, not \`${value}\``);
}

/** A bad command line; reported with exit code 2. */
export class UsageError extends Error {}

export function reportUsage(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`error[MTC9004]: ${e.message}\n`);
    return 2;
  }
  throw e;
}
