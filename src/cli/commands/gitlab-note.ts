/** `mtc gitlab-note`: post or update the merge request note of `mtc diff --format markdown` (src/review/gitlab-note.ts). */
import type { Command } from 'commander';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { renderHuman, useColor } from '../../diagnostics/render.js';
import { NoteError, postNote, type GitlabNoteOptions } from '../../review/gitlab-note.js';
import type { SetExit } from './types.js';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('gitlab-note')
    .description(
      'post the `mtc diff --format markdown` comment as one note of a GitLab merge request, or update the note it posted before (GitLab CI: CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID); exit 0 posted, 2 on errors',
    )
    .requiredOption('--body-file <file>', 'the Markdown to post (`mtc diff --format markdown --output FILE`)')
    .option('--api-url <url>', 'GitLab API v4 URL (default: $CI_API_V4_URL)')
    .option('--project <id>', 'project id or path (default: $CI_PROJECT_ID)')
    .option('--merge-request <iid>', 'merge request number (default: $CI_MERGE_REQUEST_IID)')
    .option('--token-env <name>', 'environment variable holding the access token (api scope)', 'MTC_GITLAB_TOKEN')
    .action(async (opts: { bodyFile?: string; apiUrl?: string; project?: string; mergeRequest?: string; tokenEnv?: string }) => {
      setExit(await runGitlabNote(opts));
    });
}

export async function runGitlabNote(opts: GitlabNoteOptions): Promise<number> {
  try {
    const r = await postNote(opts);
    process.stderr.write(`${r.action} note ${r.id} (${r.url})\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof NoteError)) throw e;
    const d: Diagnostic = { code: e.code, severity: 'error', message: e.message, ...(e.help ? { help: e.help } : {}) };
    process.stderr.write(renderHuman(d, { color: useColor(process.stderr), sources: new Map() }) + '\n');
    return 2;
  }
}
