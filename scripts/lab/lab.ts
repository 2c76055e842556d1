/**
 * Starts the whole lab on 127.0.0.1 (DESIGN.md §6): the login service in this
 * process and Kamailio as a child. Tests import startLab() from a vitest
 * globalSetup that runs inside a private network namespace, so nothing here
 * may assume more network than loopback.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RING_TIMEOUT_SECONDS, type RoutingPatch } from './accounts';
import { bundleConsole } from './console-bundle';
import { writeKamailioConfig } from './kamailio-config';
import { KamailioProcess } from './kamailio-process';
import { Kamcmd } from './kamcmd';
import { startLoginService, type LoginService } from './login-service';
import { findKamailioInstall } from './prerequisites';

export interface LabOptions {
  /** Default 8787. */
  loginPort?: number;
  /** Default 8088. */
  sipWsPort?: number;
  /** Lifetime of issued SIP credentials; default 8 h. */
  sessionLifetimeSeconds?: number;
  /** Ring timeout every account starts with (R4); default 28. */
  ringTimeoutSeconds?: number;
  /** Default `.lab/` under the repository root. */
  workDir?: string;
  /** No progress lines on stderr. */
  quiet?: boolean;
}

export interface Lab {
  loginUrl: string;
  wsUri: string;
  sipDomain: string;
  consoleUrl: string;
  setRouting(user: string, patch: RoutingPatch): Promise<void>;
  setSessionLifetime(seconds: number): Promise<void>;
  /** Contact URIs Kamailio's usrloc holds for `user`; [] when none. */
  locations(user: string): Promise<string[]>;
  /** Removes the user's bindings on the server while the WebSocket stays open. */
  dropBinding(user: string): Promise<void>;
  restartKamailio(): Promise<void>;
  stopKamailio(): Promise<void>;
  /** SIGKILL on every Kamailio process: a crash, no clean shutdown. */
  killKamailio(): Promise<void>;
  startKamailio(): Promise<void>;
  /** kill -STOP on every Kamailio process: sockets stay open, nothing answers. */
  freezeKamailio(): Promise<void>;
  thawKamailio(): Promise<void>;
  /** Stops Kamailio and the login service; leaves no process behind. */
  stop(): Promise<void>;
}

const SIP_DOMAIN = 'vphone.lab';
const DEFAULT_SESSION_LIFETIME_SECONDS = 8 * 3600;
/** Short, so that bindings of lost WebSockets disappear within seconds. */
const USRLOC_TIMER_SECONDS = 5;
const REGISTRATION_EXPIRES_SECONDS = 120;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const loginPort = options.loginPort ?? 8787;
  const sipWsPort = options.sipWsPort ?? 8088;
  const workDir = resolve(options.workDir ?? join(REPO_ROOT, '.lab'));
  const log = options.quiet ? () => undefined : (line: string) => process.stderr.write(`[lab] ${line}\n`);
  const install = findKamailioInstall();

  await mkdir(join(workDir, 'console'), { recursive: true, mode: 0o700 });
  await bundleConsole(join(workDir, 'console'));

  const secret = randomBytes(24).toString('hex');
  const wsUri = `ws://127.0.0.1:${sipWsPort}`;
  const ctlSocket = join(workDir, 'kamailio.ctl');
  const config = join(workDir, 'kamailio.cfg');
  await writeKamailioConfig(config, {
    sipWsPort,
    loginPort,
    sipDomain: SIP_DOMAIN,
    secret,
    moduleDir: install.moduleDir,
    ctlSocket,
    usrlocTimerSeconds: USRLOC_TIMER_SECONDS,
    registrationExpires: REGISTRATION_EXPIRES_SECONDS,
  });
  const login = await startLoginService({
    port: loginPort,
    sipDomain: SIP_DOMAIN,
    wsUri,
    secret,
    sessionLifetimeSeconds: options.sessionLifetimeSeconds ?? DEFAULT_SESSION_LIFETIME_SECONDS,
    ringTimeoutSeconds: options.ringTimeoutSeconds ?? DEFAULT_RING_TIMEOUT_SECONDS,
    consoleBundleDir: join(workDir, 'console'),
    log,
  }).catch((error: unknown) => {
    throw new Error(`login service cannot listen on 127.0.0.1:${loginPort}: ${String(error)}`);
  });

  const kamcmd = new Kamcmd(install.kamcmd, ctlSocket);
  const kamailio = new KamailioProcess({
    binary: install.kamailio,
    config,
    runtimeDir: workDir,
    ctlSocket,
    log: join(workDir, 'kamailio.log'),
    sipWsPort,
    kamcmd,
  });
  try {
    await kamailio.start();
  } catch (error) {
    await login.close();
    throw error;
  }
  const lab = new RunningLab(login, kamailio, kamcmd, wsUri);
  log(`login service ${lab.loginUrl}, console ${lab.consoleUrl}, SIP ${wsUri} (logs in ${workDir})`);
  return lab;
}

class RunningLab implements Lab {
  readonly loginUrl: string;
  readonly sipDomain = SIP_DOMAIN;
  readonly consoleUrl: string;
  private readonly killOnExit = (): void => this.kamailio.killNow();

  constructor(
    private readonly login: LoginService,
    private readonly kamailio: KamailioProcess,
    private readonly kamcmd: Kamcmd,
    readonly wsUri: string,
  ) {
    this.loginUrl = login.url;
    this.consoleUrl = `${login.url}/console`;
    // If the owner exits without stop(), Kamailio must not outlive it.
    process.on('exit', this.killOnExit);
  }

  async setRouting(user: string, patch: RoutingPatch): Promise<void> {
    await this.labRequest('PUT', `/lab/accounts/${encodeURIComponent(user)}/routing`, patch);
  }

  async setSessionLifetime(seconds: number): Promise<void> {
    await this.labRequest('PUT', '/lab/session-lifetime', { seconds });
  }

  locations(user: string): Promise<string[]> {
    return this.kamcmd.contacts(user);
  }

  dropBinding(user: string): Promise<void> {
    return this.kamcmd.removeBindings(user);
  }

  async restartKamailio(): Promise<void> {
    await this.kamailio.stop();
    await this.kamailio.start();
  }

  stopKamailio(): Promise<void> {
    return this.kamailio.stop();
  }

  killKamailio(): Promise<void> {
    return this.kamailio.kill();
  }

  startKamailio(): Promise<void> {
    return this.kamailio.start();
  }

  async freezeKamailio(): Promise<void> {
    this.kamailio.freeze();
  }

  async thawKamailio(): Promise<void> {
    this.kamailio.thaw();
  }

  async stop(): Promise<void> {
    try {
      await this.kamailio.stop();
    } finally {
      process.off('exit', this.killOnExit);
      await this.login.close();
    }
  }

  /** Goes through HTTP so tests exercise the same validation (R6) as everyone else. */
  private async labRequest(method: string, path: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.loginUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
    }
  }
}
