/**
 * A minimal QMP client over one unix-socket connection: QEMU's greeting, then
 * commands answered in order (each carries an `id`), asynchronous events
 * skipped. Everything is bounded: a line longer than MAX_LINE, or an answer
 * that does not come within the command's timeout, is an error.
 */
import type { Socket } from 'node:net';

const MAX_LINE = 8 * 1024 * 1024;

export class QmpError extends Error {
  constructor(
    readonly command: string,
    message: string,
    /** QMP's error class (`GenericError`, `CommandNotFound`), when QEMU answered with an error. */
    readonly errorClass?: string,
    /** QEMU closed the connection (or it broke), as QEMU does when it exits. */
    readonly peerClosed = false,
  ) {
    super(message);
    this.name = 'QmpError';
  }
}

interface Pending {
  readonly id: number;
  readonly command: string;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private pending: Pending | undefined;
  private greeting: { resolve: (v: unknown) => void; reject: (e: Error) => void } | undefined;
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.close(new QmpError('connection', `QMP connection error: ${e.message}`, undefined, true)));
    socket.on('close', () => this.close(new QmpError('connection', 'QEMU closed the QMP connection', undefined, true)));
  }

  /** Wraps an accepted connection and waits for QEMU's greeting (`{"QMP": {"version": …}}`). */
  static async open(socket: Socket, timeoutMs: number): Promise<{ client: QmpClient; greeting: Record<string, unknown> }> {
    const client = new QmpClient(socket);
    const greeting = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new QmpError('greeting', `no QMP greeting within ${timeoutMs / 1000} s`)), timeoutMs);
      client.greeting = {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      if (client.closedError) client.greeting.reject(client.closedError);
    });
    const g = greeting as { QMP?: Record<string, unknown> };
    if (typeof g !== 'object' || g === null || typeof g.QMP !== 'object' || g.QMP === null) throw new QmpError('greeting', 'the first message on the socket is not a QMP greeting');
    return { client, greeting: g.QMP };
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onMessage(line);
    }
    if (this.buffer.length > MAX_LINE) this.close(new QmpError('connection', `a QMP message longer than ${MAX_LINE} bytes`));
  }

  private onMessage(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.close(new QmpError('connection', `QEMU sent something that is not JSON on the QMP socket: ${line.slice(0, 80)}`));
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    if (this.greeting) {
      const g = this.greeting;
      this.greeting = undefined;
      g.resolve(msg);
      return;
    }
    if ('event' in msg) return;
    const p = this.pending;
    if (!p || msg.id !== p.id) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    if ('error' in msg) {
      const err = (msg.error ?? {}) as { class?: unknown; desc?: unknown };
      p.reject(new QmpError(p.command, `${p.command}: ${String(err.desc ?? 'error')}`, typeof err.class === 'string' ? err.class : undefined));
    } else p.resolve(msg.return);
  }

  /** Sends one command and waits for its answer. One command at a time. */
  command(command: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.pending) return Promise.reject(new QmpError(command, 'a QMP command is already waiting for its answer'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new QmpError(command, `${command}: no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending = { id, command, resolve, reject, timer };
      this.socket.write(JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id }) + '\n');
    });
  }

  close(reason: Error = new QmpError('connection', 'QMP connection closed')): void {
    if (this.closedError) return;
    this.closedError = reason;
    if (this.greeting) {
      const g = this.greeting;
      this.greeting = undefined;
      g.reject(reason);
    }
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    this.socket.destroy();
  }
}
