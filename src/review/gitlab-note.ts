/**
 * Posts the `mtc diff --format markdown` comment as one note of a GitLab
 * merge request (for `mtc gitlab-note`), and updates that same note on the next
 * pipeline instead of adding another. Made for GitLab CI: the API URL,
 * project and merge request come from CI_API_V4_URL, CI_PROJECT_ID and
 * CI_MERGE_REQUEST_IID; the token (a project or personal access token with
 * the `api` scope; CI_JOB_TOKEN cannot write notes) from a masked CI/CD
 * variable, MTC_GITLAB_TOKEN by default.
 *
 * The note is found by the marker the comment starts with (`<!-- mtc-diff -->`)
 * among the notes written by the token's own user, so a reviewer quoting the
 * comment is never overwritten. Requests (GitLab REST API v4):
 *   GET  /user                                         who the token is
 *   GET  /projects/:id/merge_requests/:iid/notes       (paginated) the previous note
 *   PUT  /projects/:id/merge_requests/:iid/notes/:note  update it, or
 *   POST /projects/:id/merge_requests/:iid/notes        create it
 */
import { readFileSync } from 'node:fs';
import { COMMENT_MARKER } from './render-markdown.js';

export interface GitlabNoteOptions {
  readonly bodyFile?: string;
  readonly apiUrl?: string;
  readonly project?: string;
  readonly mergeRequest?: string;
  readonly tokenEnv?: string;
}

/** GitLab refuses notes longer than this (characters). */
export const GITLAB_NOTE_LIMIT = 1_000_000;
/** Notes read per page while looking for the previous one. */
const PER_PAGE = 100;
/** Longest wait for one API request, so that a stuck network does not hold a CI job forever. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface NoteResult {
  readonly action: 'created' | 'updated';
  readonly id: number;
  readonly url: string;
}

export class NoteError extends Error {
  constructor(
    message: string,
    readonly code: 'MTC9004' | 'MTC5057',
    readonly help?: string,
  ) {
    super(message);
  }
}

interface Note {
  readonly id: number;
  readonly body?: string;
  readonly system?: boolean;
  readonly author?: { readonly id?: number };
}

async function api(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: unknown; next: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { 'PRIVATE-TOKEN': token, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new NoteError(`${method} ${url} failed: ${cause?.code ?? cause?.message ?? (e as Error).message}`, 'MTC5057', 'check CI_API_V4_URL (or --api-url) and that the runner can reach GitLab');
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  if (res.status < 200 || res.status > 299) {
    const said = typeof json === 'object' && json !== null ? JSON.stringify((json as { message?: unknown; error?: unknown }).message ?? (json as { error?: unknown }).error ?? json) : String(json);
    const help =
      res.status === 401
        ? 'the token is missing, wrong or expired: use a project or personal access token with the `api` scope (CI_JOB_TOKEN cannot write notes)'
        : res.status === 403
          ? 'the token\'s user may not write notes on this merge request: give it at least the Reporter role'
          : res.status === 404
            ? 'check CI_PROJECT_ID and CI_MERGE_REQUEST_IID (the job must run in a merge request pipeline)'
            : undefined;
    throw new NoteError(`${method} ${url}: GitLab answered ${res.status}${said ? `: ${said.slice(0, 300)}` : ''}`, 'MTC5057', help);
  }
  return { status: res.status, json, next: res.headers.get('x-next-page') };
}

/** Posts or updates the note. Throws NoteError. */
export async function postNote(opts: GitlabNoteOptions, env: NodeJS.ProcessEnv = process.env): Promise<NoteResult> {
  const apiUrl = (opts.apiUrl ?? env.CI_API_V4_URL ?? '').replace(/\/+$/, '');
  const project = opts.project ?? env.CI_PROJECT_ID;
  const mr = opts.mergeRequest ?? env.CI_MERGE_REQUEST_IID;
  const tokenEnv = opts.tokenEnv ?? 'MTC_GITLAB_TOKEN';
  const token = env[tokenEnv];
  const missing = [!apiUrl ? '--api-url (or CI_API_V4_URL)' : '', !project ? '--project (or CI_PROJECT_ID)' : '', !mr ? '--merge-request (or CI_MERGE_REQUEST_IID)' : ''].filter(Boolean);
  if (missing.length) throw new NoteError(`missing ${missing.join(', ')}`, 'MTC9004', 'run it in a merge request pipeline (rules: if: $CI_PIPELINE_SOURCE == "merge_request_event"), or pass the options');
  if (!/^https?:\/\//.test(apiUrl)) throw new NoteError(`--api-url must be an http(s) URL, not \`${apiUrl}\``, 'MTC9004');
  if (!/^[0-9]+$/.test(mr!)) throw new NoteError(`the merge request must be its number (IID), not \`${mr}\``, 'MTC9004');
  if (!token) throw new NoteError(`no token: the environment variable ${tokenEnv} is not set`, 'MTC9004', `add a masked CI/CD variable ${tokenEnv} holding a project access token with the \`api\` scope`);
  if (!opts.bodyFile) throw new NoteError('--body-file is required: the Markdown to post (`mtc diff --format markdown --output FILE`)', 'MTC9004');
  let body: string;
  try {
    body = readFileSync(opts.bodyFile, 'utf8');
  } catch (e) {
    throw new NoteError(`cannot read ${opts.bodyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'MTC9004');
  }
  // The marker finds the note next time; mtc diff's Markdown starts with it.
  if (!body.startsWith(COMMENT_MARKER)) body = `${COMMENT_MARKER}\n${body}`;
  if (body.length > GITLAB_NOTE_LIMIT) throw new NoteError(`the note is ${body.length} characters, more than GitLab's ${GITLAB_NOTE_LIMIT}`, 'MTC9004');

  const notesUrl = `${apiUrl}/projects/${encodeURIComponent(project!)}/merge_requests/${mr}/notes`;
  const me = (await api('GET', `${apiUrl}/user`, token)).json as { id?: unknown };
  let previous: Note | undefined;
  for (let page = 1; page <= 1000 && !previous; ) {
    const r = await api('GET', `${notesUrl}?sort=asc&order_by=created_at&per_page=${PER_PAGE}&page=${page}`, token);
    const notes = Array.isArray(r.json) ? (r.json as Note[]) : [];
    previous = notes.find((n) => !n.system && n.author?.id === me.id && typeof n.body === 'string' && n.body.startsWith(COMMENT_MARKER));
    const next = r.next ? Number(r.next) : notes.length === PER_PAGE ? page + 1 : NaN;
    if (!Number.isInteger(next) || next <= page) break;
    page = next;
  }
  if (previous) {
    const r = await api('PUT', `${notesUrl}/${previous.id}`, token, { body });
    return { action: 'updated', id: (r.json as Note | null)?.id ?? previous.id, url: `${notesUrl}/${previous.id}` };
  }
  const r = await api('POST', notesUrl, token, { body });
  const id = (r.json as Note | null)?.id ?? 0;
  return { action: 'created', id, url: `${notesUrl}/${id}` };
}
