/**
 * Runs the lab for a person (or a script) in the background:
 *
 *   tsx scripts/lab/cli.ts start [--login-port N] [--sip-ws-port N] [--ring-timeout S] [--session-lifetime S] [--edges N]
 *   tsx scripts/lab/cli.ts status
 *   tsx scripts/lab/cli.ts stop
 *
 * `start` runs `serve` (the lab itself) detached inside a private network
 * namespace that has only `lo` (scripts/netns-run.sh), and prints the lab's
 * addresses and the command that runs a program inside that namespace. The
 * serving process is also what keeps the namespace alive.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab, type LabOptions } from './lab';

interface CliState {
  pid: number;
  loginUrl: string;
  wsUri: string;
  /** Every edge's WebSocket URI (one unless started with --edges). */
  wsUris: string[];
  consoleUrl: string;
  sipDomain: string;
  /** Prefix that runs a command inside the lab's network namespace. */
  enter: string;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORK_DIR = join(REPO_ROOT, '.lab', 'cli');
const STATE_FILE = join(WORK_DIR, 'state.json');
const SERVE_LOG = join(WORK_DIR, 'serve.log');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'start':
      return start(args);
    case 'stop':
      return stop();
    case 'status':
      return status();
    case 'serve':
      return serve(args);
    default:
      process.stderr.write('usage: tsx scripts/lab/cli.ts start|stop|status\n');
      return 2;
  }
}

async function start(args: string[]): Promise<number> {
  parseLabFlags(args); // fail on bad flags here, not in the detached child
  const running = readState();
  if (running && isAlive(running.pid)) {
    process.stderr.write(`lab already running (pid ${running.pid})\n`);
    printJson(running);
    return 0;
  }
  await mkdir(WORK_DIR, { recursive: true, mode: 0o700 });
  await rm(STATE_FILE, { force: true });
  const child = spawnServe(args);
  const state = await waitForState(child.pid ?? -1, () => child.exitCode !== null);
  if (!state) {
    process.stderr.write(`the lab did not start:\n${tailOf(SERVE_LOG)}\n`);
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    return 1;
  }
  printJson(state);
  return 0;
}

/** bash netns-run.sh execs unshare, which execs node: the child's pid is the serving process. */
function spawnServe(args: string[]) {
  const log = openSync(SERVE_LOG, 'w');
  try {
    const child = spawn(
      'bash',
      [join(REPO_ROOT, 'scripts', 'netns-run.sh'), process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), 'serve', ...args],
      { cwd: REPO_ROOT, detached: true, stdio: ['ignore', log, log] },
    );
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

async function waitForState(pid: number, exited: () => boolean): Promise<CliState | null> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited()) {
    const state = readState();
    if (state?.pid === pid) return state;
    await sleep(100);
  }
  return null;
}

async function stop(): Promise<number> {
  const state = readState();
  if (state && isAlive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    if (!(await waitForExit(state.pid, STOP_TIMEOUT_MS))) process.kill(state.pid, 'SIGKILL');
  }
  // A serving process killed hard cannot stop its Kamailio: find it by its config path.
  killProcessesUsing(join(WORK_DIR, 'kamailio.cfg'));
  for (let edge = 1; edge < 4; edge += 1) killProcessesUsing(join(WORK_DIR, `edge${edge}`, 'kamailio.cfg'));
  await rm(STATE_FILE, { force: true });
  process.stderr.write(state ? `lab stopped (pid ${state.pid})\n` : 'lab was not running\n');
  return 0;
}

function status(): number {
  const state = readState();
  const running = state !== null && isAlive(state.pid);
  printJson(running ? { running, ...state } : { running });
  return running ? 0 : 1;
}

/** Runs inside the namespace; stops the lab on SIGTERM/SIGINT. */
async function serve(args: string[]): Promise<number> {
  const lab = await startLab({ ...parseLabFlags(args), workDir: WORK_DIR });
  const state: CliState = {
    pid: process.pid,
    loginUrl: lab.loginUrl,
    wsUri: lab.wsUri,
    wsUris: lab.wsUris,
    consoleUrl: lab.consoleUrl,
    sipDomain: lab.sipDomain,
    enter: enterCommand(process.pid, process.env['NETNS_RUN_MODE']),
  };
  await writeStateAtomically(state);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await lab.stop();
  await rm(STATE_FILE, { force: true });
  return 0;
}

function enterCommand(pid: number, mode: string | undefined): string {
  // A user namespace owns the network namespace, so entering needs both.
  return mode === 'user'
    ? `nsenter --target ${pid} --user --net --preserve-credentials --`
    : `nsenter --target ${pid} --net --`;
}

function parseLabFlags(args: string[]): LabOptions {
  const flags: Record<string, keyof LabOptions> = {
    '--login-port': 'loginPort',
    '--sip-ws-port': 'sipWsPort',
    '--ring-timeout': 'ringTimeoutSeconds',
    '--session-lifetime': 'sessionLifetimeSeconds',
    '--edges': 'edges',
  };
  const options: Record<string, number> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i] ?? '';
    const option = flags[name];
    const value = Number(args[i + 1]);
    if (!option || !Number.isInteger(value) || value <= 0) {
      throw new Error(`bad option ${name} ${args[i + 1] ?? ''} (known: ${Object.keys(flags).join(', ')}, each with a positive integer)`);
    }
    options[option] = value;
  }
  return options as LabOptions;
}

function readState(): CliState | null {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as CliState;
  } catch {
    return null;
  }
}

async function writeStateAtomically(state: CliState): Promise<void> {
  const temporary = `${STATE_FILE}.tmp`;
  await writeFile(temporary, JSON.stringify(state, null, 2));
  await rename(temporary, STATE_FILE);
}

function killProcessesUsing(configPath: string): void {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    if (readCmdline(pid).includes(configPath)) process.kill(Number(pid), 'SIGKILL');
  }
}

function readCmdline(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function tailOf(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(-30).join('\n') : '(no log)';
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
