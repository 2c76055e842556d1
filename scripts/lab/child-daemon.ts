/**
 * A single-process server of the lab (rtpengine, baresip) run as our child in
 * the foreground, its output in a log file: started until a readiness probe
 * says yes, stopped with SIGTERM then SIGKILL, never left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ChildDaemonOptions {
  /** For messages: 'rtpengine', 'baresip'. */
  name: string;
  binary: string;
  args: readonly string[];
  cwd?: string;
  /** stdout and stderr go here (appended). */
  log: string;
  /** Resolves true once the daemon serves; polled until the start timeout. */
  ready(): Promise<boolean>;
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const POLL_MS = 25;

export class ChildDaemonError extends Error {
  override name = 'ChildDaemonError';
}

export class ChildDaemon {
  private child: ChildProcess | null = null;

  constructor(private readonly options: ChildDaemonOptions) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const { binary, args, cwd, log } = this.options;
    const logFd = openSync(log, 'a');
    let child: ChildProcess;
    try {
      child = spawn(binary, args, { cwd, stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    this.child = child;
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    try {
      await this.waitUntilReady(child, spawnError);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || hasExited(child)) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    if (await within(exited, STOP_GRACE_MS)) return;
    child.kill('SIGKILL');
    if (!(await within(exited, STOP_GRACE_MS))) {
      throw new ChildDaemonError(`${this.options.name} (pid ${child.pid}) survived SIGKILL`);
    }
  }

  /** Synchronous last resort for a process 'exit' handler. */
  killNow(): void {
    if (this.child && !hasExited(this.child)) this.child.kill('SIGKILL');
  }

  private async waitUntilReady(child: ChildProcess, spawnError: Promise<Error>): Promise<void> {
    const { name, log } = this.options;
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let failed: Error | null = null;
    void spawnError.then((error) => (failed = error));
    while (Date.now() < deadline) {
      if (failed) throw new ChildDaemonError(`${name} could not start: ${String(failed)}`);
      if (hasExited(child)) throw new ChildDaemonError(`${name} exited during start-up:\n${tail(log)}`);
      if (await this.options.ready().catch(() => false)) return;
      await sleep(POLL_MS);
    }
    throw new ChildDaemonError(`${name} was not ready within ${timeoutMs} ms:\n${tail(log)}`);
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function tail(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
