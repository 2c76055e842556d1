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
  /**
   * Kamailio edges sharing registrations (DMQ), 1 to 4; default 1, the
   * single server. Edge n listens on sipWsPort + 10 n (README: "The 2-edge lab").
   */
  edges?: number;
  /**
   * Logins list a STUN server that never answers (`stun:127.0.0.1:<ws + 7>`) in
   * `sip.iceServers` from the start; default off. `setBlackholeStun()` switches
   * it at any time (README: "A STUN server that never answers").
   */
  blackholeStun?: boolean;
}

/** The STUN server that never answers: listed in logins or not, and the datagrams it swallowed. */
export interface BlackholeStunState {
  on: boolean;
  /** `stun:127.0.0.1:<port>` */
  uri: string;
  requests: number;
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

/** A binding as one edge's usrloc holds it. */
export interface EdgeBinding {
  /** The contact URI. */
  address: string;
  /** Where it was registered from, ";edge=<n>" naming the edge that holds its connection (several edges only). */
  received: string | null;
  /** The edge whose connection carries it (from `received`); null on a single server. */
  heldBy: number | null;
}

export interface Lab {
  loginUrl: string;
  /** The primary edge's WebSocket URI (the first of wsUris). */
  wsUri: string;
  /** Every edge's WebSocket URI, the primary first: what the login answer's sip.wsUris lists. */
  wsUris: string[];
  /** How many Kamailio edges run (LabOptions.edges). */
  edges: number;
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
  /** Logins (and /lab/credentials) from now on list the STUN server that never answers, or not (PUT /lab/blackhole-stun). */
  setBlackholeStun(on: boolean): Promise<BlackholeStunState>;
  blackholeStun(): Promise<BlackholeStunState>;
  /** Puts a message in `user`'s voicemail at once (no call); its contract JSON. */
  addVoicemail(user: string, message: VoicemailInput): Promise<MessageJson>;
  clearVoicemail(user: string): Promise<void>;
  /** `user`'s messages, newest first. */
  voicemailMessages(user: string): Promise<LabVoicemailMessage[]>;
  /** Contact URIs the primary's usrloc holds for `user`; [] when none. */
  locations(user: string): Promise<string[]>;
  /** Contact URIs edge `edge`'s usrloc holds for `user` (its own and those replicated to it). */
  locationsOn(edge: number, user: string): Promise<string[]>;
  /** The bindings edge `edge`'s usrloc holds for `user`, with the edge that holds each one's connection. */
  bindingsOn(edge: number, user: string): Promise<EdgeBinding[]>;
  /**
   * The running edge that holds `user`'s connection: its own location table
   * lists a binding of `user` registered there. Null when none does.
   */
  edgeOf(user: string): Promise<number | null>;
  /** SIGKILL on every process of edge `edge` (a crash; the primary is edge 0). */
  killEdge(edge: number): Promise<void>;
  /** Starts edge `edge` again; resolves once it answers and has rejoined the other running edges (DMQ). */
  startEdge(edge: number): Promise<void>;
  /** Whether edge `edge` runs (started and not killed or stopped). */
  edgeRunning(edge: number): boolean;
  /** Removes the user's bindings on the primary while the WebSocket stays open. */
  dropBinding(user: string): Promise<void>;
  /** The *Kamailio methods act on the primary (edge 0). */
  restartKamailio(): Promise<void>;
  stopKamailio(): Promise<void>;
  /** SIGKILL on every Kamailio process of the primary: a crash, no clean shutdown. */
  killKamailio(): Promise<void>;
  startKamailio(): Promise<void>;
  /** kill -STOP on every process of the primary: sockets stay open, nothing answers. */
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

const MAX_EDGES = 4;
/** Edge n's ports are edge 0's plus n times this: clear of the media ports (+100). */
const EDGE_PORT_STRIDE = 10;

/** Ports derived from the WebSocket port (see LabOptions.sipWsPort). */
export function labPorts(sipWsPort: number, sipUdpPort = sipWsPort + 1): LabPorts {
  return {
    sipWsPort,
    sipUdpPort,
    rtpengineNgPort: sipWsPort + 2,
    // baresip also listens for SIP over TLS on its SIP port + 1.
    deskphoneSipPort: sipWsPort + 3,
    deskphoneCtrlPort: sipWsPort + 5,
    interEdgePort: sipWsPort + 6,
    blackholeStunPort: sipWsPort + 7,
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
  /** DMQ and calls relayed between edges (UDP), used only with several edges. */
  interEdgePort: number;
  /** The STUN server that never answers (UDP; opened only when switched on). */
  blackholeStunPort: number;
  mediaPortMin: number;
  mediaPortMax: number;
}

/** Edge `index`'s own Kamailio ports: edge 0 is the lab's usual server; the others sit EDGE_PORT_STRIDE apart. */
export function edgePorts(ports: LabPorts, index: number): { sipWsPort: number; sipUdpPort: number; interEdgePort: number } {
  if (index === 0) return { sipWsPort: ports.sipWsPort, sipUdpPort: ports.sipUdpPort, interEdgePort: ports.interEdgePort };
  const sipWsPort = ports.sipWsPort + EDGE_PORT_STRIDE * index;
  return { sipWsPort, sipUdpPort: sipWsPort + 1, interEdgePort: sipWsPort + 6 };
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const loginPort = options.loginPort ?? 8787;
  const ports = labPorts(options.sipWsPort ?? 8088, options.sipUdpPort);
  const edgeCount = options.edges ?? 1;
  if (!Number.isInteger(edgeCount) || edgeCount < 1 || edgeCount > MAX_EDGES) throw new Error(`edges must be 1 to ${MAX_EDGES}, not ${edgeCount}`);
  const workDir = resolve(options.workDir ?? join(REPO_ROOT, '.lab'));
  const log = options.quiet ? () => undefined : (line: string) => process.stderr.write(`[lab] ${line}\n`);
  const install = findKamailioInstall();
  const rtpengineBinary = findRtpengine();

  await mkdir(join(workDir, 'console'), { recursive: true, mode: 0o700 });
  await bundleConsole(join(workDir, 'console'));

  const secret = randomBytes(24).toString('hex');
  const edges: Edge[] = [];
  for (let index = 0; index < edgeCount; index += 1) {
    const own = edgePorts(ports, index);
    // Edge 0 keeps the single server's files; the others get a folder each.
    const dir = index === 0 ? workDir : join(workDir, `edge${index}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ctlSocket = join(dir, 'kamailio.ctl');
    const config = join(dir, 'kamailio.cfg');
    const others = [...Array(edgeCount).keys()].filter((other) => other !== index);
    await writeKamailioConfig(config, {
      sipWsPort: own.sipWsPort,
      sipUdpPort: own.sipUdpPort,
      rtpengineNgPort: ports.rtpengineNgPort,
      loginPort,
      sipDomain: SIP_DOMAIN,
      secret,
      moduleDir: install.moduleDir,
      ctlSocket,
      usrlocTimerSeconds: USRLOC_TIMER_SECONDS,
      registrationExpires: REGISTRATION_EXPIRES_SECONDS,
      ...(edgeCount > 1
        ? { edge: { index, interEdgePort: own.interEdgePort, peers: others.map((other) => ({ index: other, interEdgePort: edgePorts(ports, other).interEdgePort })) } }
        : {}),
    });
    const kamcmd = new Kamcmd(install.kamcmd, ctlSocket);
    const kamailio = new KamailioProcess({
      binary: install.kamailio,
      config,
      runtimeDir: dir,
      ctlSocket,
      log: join(dir, 'kamailio.log'),
      sipWsPort: own.sipWsPort,
      kamcmd,
    });
    edges.push({ index, wsUri: `ws://127.0.0.1:${own.sipWsPort}`, interEdgePort: own.interEdgePort, kamcmd, process: kamailio });
  }
  const wsUris = edges.map((edge) => edge.wsUri);
  const login = await startLoginService({
    port: loginPort,
    sipDomain: SIP_DOMAIN,
    wsUris,
    secret,
    sessionLifetimeSeconds: options.sessionLifetimeSeconds ?? DEFAULT_SESSION_LIFETIME_SECONDS,
    ringTimeoutSeconds: options.ringTimeoutSeconds ?? DEFAULT_RING_TIMEOUT_SECONDS,
    consoleBundleDir: join(workDir, 'console'),
    blackholeStunPort: ports.blackholeStunPort,
    blackholeStun: options.blackholeStun ?? false,
    log,
  }).catch((error: unknown) => {
    throw new Error(`login service cannot listen on 127.0.0.1:${loginPort}: ${String(error)}`);
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
    // In order: each edge joins the ones already up (DMQ notification).
    for (const edge of edges) {
      await edge.process.start();
      await waitForDmqBus(edges, edges.slice(0, edge.index + 1));
    }
  } catch (error) {
    for (const edge of edges) await edge.process.stop().catch(() => undefined);
    await rtpengine.stop();
    await login.close();
    throw error;
  }
  const lab = new RunningLab({ login, edges, rtpengine, wsUris, ports, workDir });
  log(`login service ${lab.loginUrl}, console ${lab.consoleUrl}, SIP ${wsUris.join(' ')} (logs in ${workDir})`);
  return lab;
}

/** One Kamailio node of the provider. */
interface Edge {
  index: number;
  wsUri: string;
  interEdgePort: number;
  kamcmd: Kamcmd;
  process: KamailioProcess;
}

const DMQ_JOIN_TIMEOUT_MS = 10_000;

/**
 * Resolves once every edge of `running` lists every other one as an active
 * DMQ node, so a registration made from now on is replicated to all of them.
 * A single server has no bus.
 */
async function waitForDmqBus(all: readonly Edge[], running: readonly Edge[]): Promise<void> {
  if (all.length < 2 || running.length < 2) return;
  const deadline = Date.now() + DMQ_JOIN_TIMEOUT_MS;
  for (;;) {
    const views = await Promise.all(running.map(async (edge) => ({ edge, nodes: await edge.kamcmd.dmqNodes().catch(() => []) })));
    const joined = views.every(({ edge, nodes }) =>
      running.every((other) => other === edge || nodes.some((node) => node.port === other.interEdgePort && node.status === 'active')),
    );
    if (joined) return;
    if (Date.now() > deadline) {
      const seen = views.map(({ edge, nodes }) => `edge ${edge.index}: ${nodes.map((node) => `${node.port} ${node.status}`).join(', ') || 'none'}`);
      throw new Error(`the edges did not form their DMQ bus within ${DMQ_JOIN_TIMEOUT_MS} ms (${seen.join('; ')})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface LabParts {
  login: LoginService;
  edges: Edge[];
  rtpengine: ChildDaemon;
  wsUris: string[];
  ports: LabPorts;
  workDir: string;
}

class RunningLab implements Lab {
  readonly loginUrl: string;
  readonly sipDomain = SIP_DOMAIN;
  readonly consoleUrl: string;
  readonly wsUri: string;
  readonly wsUris: string[];
  readonly edges: number;
  readonly sipUdpAddress: { host: '127.0.0.1'; port: number };
  private readonly login: LoginService;
  /** The primary (edge 0): the lab's server when there is one edge. */
  private readonly kamailio: KamailioProcess;
  private readonly kamcmd: Kamcmd;
  private deskphone: Baresip | null = null;
  private readonly killOnExit = (): void => {
    this.deskphone?.killNow();
    for (const edge of this.parts.edges) edge.process.killNow();
    this.parts.rtpengine.killNow();
  };

  constructor(private readonly parts: LabParts) {
    const primary = parts.edges[0];
    if (!primary) throw new Error('a lab needs at least one edge');
    this.login = parts.login;
    this.kamailio = primary.process;
    this.kamcmd = primary.kamcmd;
    this.wsUris = [...parts.wsUris];
    this.wsUri = primary.wsUri;
    this.edges = parts.edges.length;
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

  async setBlackholeStun(on: boolean): Promise<BlackholeStunState> {
    return (await this.labRequest('PUT', '/lab/blackhole-stun', { on })) as BlackholeStunState;
  }

  async blackholeStun(): Promise<BlackholeStunState> {
    return (await this.labRequest('GET', '/lab/blackhole-stun')) as BlackholeStunState;
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

  locationsOn(edge: number, user: string): Promise<string[]> {
    return this.edge(edge).kamcmd.contacts(user);
  }

  async bindingsOn(edge: number, user: string): Promise<EdgeBinding[]> {
    const bindings = await this.edge(edge).kamcmd.bindings(user);
    return bindings.map(({ address, received }) => {
      const held = received === null ? null : /;edge=(\d+)/.exec(received)?.[1];
      return { address, received, heldBy: held === undefined || held === null ? null : Number(held) };
    });
  }

  async edgeOf(user: string): Promise<number | null> {
    for (const edge of this.parts.edges) {
      if (!edge.process.running) continue;
      const bindings = await this.bindingsOn(edge.index, user).catch(() => []);
      if (bindings.some((binding) => binding.heldBy === edge.index)) return edge.index;
    }
    return null;
  }

  killEdge(edge: number): Promise<void> {
    return this.edge(edge).process.kill();
  }

  async startEdge(edge: number): Promise<void> {
    const started = this.edge(edge);
    await started.process.start();
    await waitForDmqBus(this.parts.edges, this.parts.edges.filter((other) => other.process.running));
  }

  edgeRunning(edge: number): boolean {
    return this.edge(edge).process.running;
  }

  private edge(index: number): Edge {
    const edge = this.parts.edges[index];
    if (!edge) throw new Error(`no edge ${index}: the lab runs ${this.parts.edges.length}`);
    return edge;
  }

  dropBinding(user: string): Promise<void> {
    return this.kamcmd.removeBindings(user);
  }

  async restartKamailio(): Promise<void> {
    await this.kamailio.stop();
    await this.startEdge(0);
  }

  stopKamailio(): Promise<void> {
    return this.kamailio.stop();
  }

  killKamailio(): Promise<void> {
    return this.kamailio.kill();
  }

  startKamailio(): Promise<void> {
    return this.startEdge(0);
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
    const edges = this.parts.edges.map((edge) => () => edge.process.stop());
    for (const stopPart of [() => deskphone?.stop(), ...edges, () => this.parts.rtpengine.stop()]) {
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
