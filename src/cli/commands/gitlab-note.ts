import type { Command } from 'commander';
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
      const impl = await import('../../review/gitlab-note.js');
      setExit(await impl.runGitlabNote(opts));
    });
}
