/**
 * Runs Kamailio as a child process (`-DD`: the main process stays in the
 * foreground and forks its workers directly). It stays in our process group,
 * so a Ctrl-C on the terminal reaches it too; freezing, thawing and stopping
 * address the main process and its direct children, found in /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Kamcmd } from './kamcmd';

export interface KamailioProcessOptions {
  binary: string;
  config: string;
  /** Kamailio's runtime dir (-Y), so nothing is written under /run. */
  runtimeDir: string;
  ctlSocket: string;
  log: string;
  sipWsPort: number;
  kamcmd: Kamcmd;
}

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const POLL_MS = 20;

export class KamailioProcess {
  private child: ChildProcess | null = null;

  constructor(private readonly options: KamailioProcessOptions) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Started and not stopped, killed or exited since. */
  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) return;
    if (await isListening(this.options.sipWsPort)) {
      throw new Error(`127.0.0.1:${this.options.sipWsPort} is already in use; is another lab running?`);
    }
    await rm(this.options.ctlSocket, { force: true });
    const child = this.spawnKamailio();
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    try {
      await this.waitUntilReady(child);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves when no Kamailio process is alive. */
  async stop(): Promise<void> {
    const mainPid = this.child?.pid;
    this.child = null;
    if (mainPid === undefined) return;
    const pids = processTree(mainPid);
    signalAll(pids, 'SIGCONT'); // a frozen Kamailio cannot act on SIGTERM
    signalAll([mainPid], 'SIGTERM');
    if (await waitForExit(pids, STOP_GRACE_MS)) return;
    signalAll(pids, 'SIGKILL');
    if (!(await waitForExit(pids, STOP_GRACE_MS))) {
      throw new Error(`Kamailio processes ${pids.join(' ')} survived SIGKILL`);
    }
  }

  /** SIGKILL at once: no clean shutdown, the kernel closes the sockets (a crash). */
  async kill(): Promise<void> {
    const mainPid = this.child?.pid;
    this.child = null;
    if (mainPid === undefined) return;
    const pids = processTree(mainPid);
    signalAll(pids, 'SIGKILL');
    if (!(await waitForExit(pids, STOP_GRACE_MS))) throw new Error(`Kamailio processes ${pids.join(' ')} survived SIGKILL`);
  }

  /** Leaves every socket open but answers nothing: a silently dead link. */
  freeze(): void {
    signalAll(this.runningTree(), 'SIGSTOP');
  }

  thaw(): void {
    signalAll(this.runningTree(), 'SIGCONT');
  }

  /** Synchronous last resort for a process 'exit' handler. */
  killNow(): void {
    const mainPid = this.child?.pid;
    if (mainPid !== undefined) signalAll(processTree(mainPid), 'SIGKILL');
  }

  private runningTree(): number[] {
    const mainPid = this.child?.pid;
    if (mainPid === undefined) throw new Error('Kamailio is not running');
    return processTree(mainPid);
  }

  private spawnKamailio(): ChildProcess {
    const { binary, config, runtimeDir, log } = this.options;
    const logFd = openSync(log, 'a');
    try {
      // -DD: no daemon, the main process stays our child; -E: log to stderr (the log file).
      return spawn(binary, ['-DD', '-E', '-f', config, '-Y', runtimeDir], { stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`Kamailio exited during start-up:\n${tail(this.options.log)}`);
      }
      if ((await isListening(this.options.sipWsPort)) && (await this.answersRpc())) return;
      await sleep(POLL_MS);
    }
    throw new Error(`Kamailio did not answer within ${START_TIMEOUT_MS} ms:\n${tail(this.options.log)}`);
  }

  private async answersRpc(): Promise<boolean> {
    try {
      await this.options.kamcmd.run('core.version');
      return true;
    } catch {
      return false;
    }
  }
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** The main process and its direct children: Kamailio forks every worker from main. */
function processTree(mainPid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => readStat(pid)?.ppid === mainPid)
    .map(Number);
  return [mainPid, ...children];
}

/** A zombie counts as gone: it only waits for its parent to reap it. */
function isAlive(pid: number): boolean {
  const stat = readStat(String(pid));
  return stat !== null && stat.state !== 'Z';
}

function readStat(pid: string): { state: string; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]) };
  } catch {
    return null; // the process ended while we looked
  }
}

function tail(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
