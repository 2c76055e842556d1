/**
 * Starts the whole lab on 127.0.0.1 (DESIGN.md §6): the login service in this
 * process, rtpengine and Kamailio as children, and on demand a SIP desk phone
 * (baresip). Tests import startLab() from a vitest
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
import { findBaresipInstall, findKamailioInstall, findRtpengine } from './prerequisites';
import { Baresip } from './baresip';
import type { ChildDaemon } from './child-daemon';
import type { CellMode } from './console/api';
import type { MessageJson } from './voicemail-store';
import { startRtpengine } from './rtpengine';

export interface LabOptions {
  /** Default 8787. */
  loginPort?: number;
  /** Default 8088. The lab's other ports derive from it, so two labs with different ones never collide. */
  sipWsPort?: number;
  /** Plain SIP over UDP (desk phones); default sipWsPort + 1. */
  sipUdpPort?: number;
  /** Lifetime of issued SIP credentials; default 8 h. */
  sessionLifetimeSeconds?: number;
  /** Ring timeout every account starts with (R4); default 28. */
  ringTimeoutSeconds?: number;
  /** Default `.lab/` under the repository root. */
  workDir?: string;
  /** No progress lines on stderr. */
  quiet?: boolean;
}

/** A message to put in an account's voicemail without a call (POST /lab/accounts/:user/voicemail). */
export interface VoicemailInput {
  /** Stored as given (untrusted text, cut to 64 characters). */
  from?: string;
  /** A SIP user: stored as the number the lab knows it by (e.g. 'caller' → +15550100001). */
  fromUser?: string;
  fromName?: string;
  /** 0..3600, rounded to whole seconds. */
  durationSeconds: number;
  /** Base64 audio; without it, a 440 Hz tone WAV as long as the message (at most 10 s). */
  audio?: string;
  /** audio/wav (default), audio/webm or audio/ogg. */
  contentType?: string;
  heard?: boolean;
}

/** What the lab holds for a message: the contract's fields plus its audio's type and size. */
export interface LabVoicemailMessage extends MessageJson {
  contentType: string;
  bytes: number;
}

export interface Lab {
  loginUrl: string;
  wsUri: string;
  /** Where plain SIP phones send their requests (UDP). */
  sipUdpAddress: { host: '127.0.0.1'; port: number };
  sipDomain: string;
  consoleUrl: string;
  /** Starts the lab's SIP desk phone (baresip) registered as 'deskphone'; lab.stop() stops it too. */
  startDeskphone(): Promise<Baresip>;
  setRouting(user: string, patch: RoutingPatch): Promise<void>;
  setSessionLifetime(seconds: number): Promise<void>;
  /** How the console's cell phone answers from its next call on (default 'ring'; see CellMode). */
  setCellMode(mode: CellMode): Promise<void>;
  /** Puts a message in `user`'s voicemail at once (no call); its contract JSON. */
  addVoicemail(user: string, message: VoicemailInput): Promise<MessageJson>;
  clearVoicemail(user: string): Promise<void>;
  /** `user`'s messages, newest first. */
  voicemailMessages(user: string): Promise<LabVoicemailMessage[]>;
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
  /** Stops the desk phone, Kamailio, rtpengine and the login service; leaves no process behind. */
  stop(): Promise<void>;
}

const SIP_DOMAIN = 'vphone.lab';
const DEFAULT_SESSION_LIFETIME_SECONDS = 8 * 3600;
/** Short, so that bindings of lost WebSockets disappear within seconds. */
const USRLOC_TIMER_SECONDS = 5;
const REGISTRATION_EXPIRES_SECONDS = 120;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Ports derived from the WebSocket port (see LabOptions.sipWsPort). */
export function labPorts(sipWsPort: number, sipUdpPort = sipWsPort + 1): LabPorts {
  return {
    sipWsPort,
    sipUdpPort,
    rtpengineNgPort: sipWsPort + 2,
    // baresip also listens for SIP over TLS on its SIP port + 1.
    deskphoneSipPort: sipWsPort + 3,
    deskphoneCtrlPort: sipWsPort + 5,
    // 100 media port pairs: plenty for a lab, and clear of the login service's 8787.
    mediaPortMin: sipWsPort + 100,
    mediaPortMax: sipWsPort + 299,
  };
}

export interface LabPorts {
  sipWsPort: number;
  sipUdpPort: number;
  rtpengineNgPort: number;
  deskphoneSipPort: number;
  deskphoneCtrlPort: number;
  mediaPortMin: number;
  mediaPortMax: number;
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const loginPort = options.loginPort ?? 8787;
  const ports = labPorts(options.sipWsPort ?? 8088, options.sipUdpPort);
  const { sipWsPort } = ports;
  const workDir = resolve(options.workDir ?? join(REPO_ROOT, '.lab'));
  const log = options.quiet ? () => undefined : (line: string) => process.stderr.write(`[lab] ${line}\n`);
  const install = findKamailioInstall();
  const rtpengineBinary = findRtpengine();

  await mkdir(join(workDir, 'console'), { recursive: true, mode: 0o700 });
  await bundleConsole(join(workDir, 'console'));

  const secret = randomBytes(24).toString('hex');
  const wsUri = `ws://127.0.0.1:${sipWsPort}`;
  const ctlSocket = join(workDir, 'kamailio.ctl');
  const config = join(workDir, 'kamailio.cfg');
  await writeKamailioConfig(config, {
    sipWsPort,
    sipUdpPort: ports.sipUdpPort,
    rtpengineNgPort: ports.rtpengineNgPort,
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
  const rtpengine = startRtpengine({
    binary: rtpengineBinary,
    ngPort: ports.rtpengineNgPort,
    portMin: ports.mediaPortMin,
    portMax: ports.mediaPortMax,
    log: join(workDir, 'rtpengine.log'),
    pidFile: join(workDir, 'rtpengine.pid'),
  });
  try {
    await rtpengine.start();
    await kamailio.start();
  } catch (error) {
    await rtpengine.stop();
    await login.close();
    throw error;
  }
  const lab = new RunningLab({ login, kamailio, rtpengine, kamcmd, wsUri, ports, workDir });
  log(`login service ${lab.loginUrl}, console ${lab.consoleUrl}, SIP ${wsUri} (logs in ${workDir})`);
  return lab;
}

interface LabParts {
  login: LoginService;
  kamailio: KamailioProcess;
  rtpengine: ChildDaemon;
  kamcmd: Kamcmd;
  wsUri: string;
  ports: LabPorts;
  workDir: string;
}

class RunningLab implements Lab {
  readonly loginUrl: string;
  readonly sipDomain = SIP_DOMAIN;
  readonly consoleUrl: string;
  readonly wsUri: string;
  readonly sipUdpAddress: { host: '127.0.0.1'; port: number };
  private readonly login: LoginService;
  private readonly kamailio: KamailioProcess;
  private readonly kamcmd: Kamcmd;
  private deskphone: Baresip | null = null;
  private readonly killOnExit = (): void => {
    this.deskphone?.killNow();
    this.kamailio.killNow();
    this.parts.rtpengine.killNow();
  };

  constructor(private readonly parts: LabParts) {
    ({ login: this.login, kamailio: this.kamailio, kamcmd: this.kamcmd, wsUri: this.wsUri } = parts);
    this.loginUrl = parts.login.url;
    this.consoleUrl = `${parts.login.url}/console`;
    this.sipUdpAddress = { host: '127.0.0.1', port: parts.ports.sipUdpPort };
    // If the owner exits without stop(), no child may outlive it.
    process.on('exit', this.killOnExit);
  }

  async startDeskphone(): Promise<Baresip> {
    if (this.deskphone) return this.deskphone;
    const response = await fetch(`${this.loginUrl}/lab/credentials/deskphone`);
    if (!response.ok) throw new Error(`credentials for deskphone: HTTP ${response.status}`);
    const sip = (await response.json()) as { authorizationUser: string; password: string; displayName: string };
    const { ports, workDir } = this.parts;
    this.deskphone = await Baresip.start({
      install: findBaresipInstall(),
      configDir: join(workDir, 'deskphone'),
      user: 'deskphone',
      displayName: sip.displayName,
      domain: SIP_DOMAIN,
      authUser: sip.authorizationUser,
      password: sip.password,
      proxy: this.sipUdpAddress,
      sipPort: ports.deskphoneSipPort,
      ctrlPort: ports.deskphoneCtrlPort,
    });
    return this.deskphone;
  }

  async setRouting(user: string, patch: RoutingPatch): Promise<void> {
    await this.labRequest('PUT', `/lab/accounts/${encodeURIComponent(user)}/routing`, patch);
  }

  async setSessionLifetime(seconds: number): Promise<void> {
    await this.labRequest('PUT', '/lab/session-lifetime', { seconds });
  }

  async setCellMode(mode: CellMode): Promise<void> {
    await this.labRequest('PUT', '/lab/cell-mode', { mode });
  }

  async addVoicemail(user: string, message: VoicemailInput): Promise<MessageJson> {
    return (await this.labRequest('POST', `/lab/accounts/${encodeURIComponent(user)}/voicemail`, message)) as MessageJson;
  }

  async clearVoicemail(user: string): Promise<void> {
    await this.labRequest('DELETE', `/lab/accounts/${encodeURIComponent(user)}/voicemail`);
  }

  async voicemailMessages(user: string): Promise<LabVoicemailMessage[]> {
    const body = (await this.labRequest('GET', `/lab/accounts/${encodeURIComponent(user)}/voicemail`)) as { messages: LabVoicemailMessage[] };
    return body.messages;
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

  /** Stops every part even when one fails, then reports the first failure. */
  async stop(): Promise<void> {
    const deskphone = this.deskphone;
    this.deskphone = null;
    const results = [];
    for (const stopPart of [() => deskphone?.stop(), () => this.kamailio.stop(), () => this.parts.rtpengine.stop()]) {
      results.push(await Promise.resolve().then(stopPart).then(() => null, (error: unknown) => error));
    }
    process.off('exit', this.killOnExit);
    await this.login.close();
    const failure = results.find((result) => result !== null);
    if (failure !== undefined) throw failure;
  }

  /** Goes through HTTP so tests exercise the same validation (R6) as everyone else; the JSON answer, if any. */
  private async labRequest(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.loginUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
    }
    return response.status === 204 ? null : ((await response.json()) as unknown);
  }
}
