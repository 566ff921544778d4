/**
 * A stand-in for GitLab's REST API (the few endpoints `mtc gitlab-note` uses)
 * on 127.0.0.1, recording every request it receives, and a way to run the
 * bundled CLI without blocking this process (the server answers from here).
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BIN } from '../support/cli.js';

export interface Recorded {
  method: string;
  url: string;
  token: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** A stand-in for GitLab's notes API on 127.0.0.1 that records every request. */
export class FakeGitlab {
  readonly requests: Recorded[] = [];
  readonly notes: { id: number; body: string; system: boolean; author: { id: number } }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    // A note by somebody else quoting the marker, and a system note: never to be touched.
    this.notes.push({ id: 7, body: '<!-- mtc-diff -->\nquoted by a reviewer', system: false, author: { id: 99 } });
    this.notes.push({ id: 8, body: 'added 1 commit', system: true, author: { id: 42 } });
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v4`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body = raw ? JSON.parse(raw) : undefined;
    this.requests.push({ method: req.method!, url: req.url!, token: req.headers['private-token'] as string | undefined, contentType: req.headers['content-type'], body });
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    if (req.headers['private-token'] !== 'glpat-test-token') return send(401, { message: '401 Unauthorized' });
    const path = req.url!.split('?')[0]!;
    if (req.method === 'GET' && path === '/api/v4/user') return send(200, { id: 42, username: 'mtc-bot' });
    const notes = '/api/v4/projects/123/merge_requests/9/notes';
    if (req.method === 'GET' && path === notes) return send(200, this.notes, { 'x-next-page': '' });
    if (req.method === 'POST' && path === notes) {
      const note = { id: 1000 + this.notes.length, body: (body as { body: string }).body, system: false, author: { id: 42 } };
      this.notes.push(note);
      return send(201, note);
    }
    const m = /^\/api\/v4\/projects\/123\/merge_requests\/9\/notes\/(\d+)$/.exec(path);
    if (req.method === 'PUT' && m) {
      const note = this.notes.find((n) => n.id === Number(m[1]));
      if (!note) return send(404, { message: '404 Not found' });
      if (note.author.id !== 42) return send(403, { message: '403 Forbidden' });
      note.body = (body as { body: string }).body;
      return send(200, note);
    }
    return send(404, { message: '404 Not found' });
  }
}

/** The bundled CLI as a child process without blocking this process (the fake server runs here). */
export function mtcAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runAsync(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
}

/** Any command as a child process, without blocking this process. */
export function runAsync(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, opts);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += String(d)));
    p.stderr.on('data', (d) => (stderr += String(d)));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
