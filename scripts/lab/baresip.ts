/**
 * The lab's SIP desk phone: baresip (Debian package baresip-core), a real
 * SIP/UDP phone nobody here wrote, registered to Kamailio over UDP with an
 * auth_ephemeral credential, its microphone a sine tone (ausine), driven over
 * ctrl_tcp on 127.0.0.1 (netstring-framed JSON: commands with a token,
 * responses echo it, events arrive unasked).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { ChildDaemon } from './child-daemon';
import type { BaresipInstall } from './prerequisites';

export interface BaresipOptions {
  install: BaresipInstall;
  /** baresip's own config dir (-f): config, accounts, its log. */
  configDir: string;
  user: string;
  displayName: string;
  domain: string;
  /** auth_ephemeral: "<expiry>:<user>" and its password. */
  authUser: string;
  password: string;
  /** Kamailio's UDP listener: every request goes there (the domain resolves nowhere). */
  proxy: { host: string; port: number };
  sipPort: number;
  ctrlPort: number;
  /** Hz of the sine the phone "speaks". */
  toneHz?: number;
}

/** A ctrl_tcp event, e.g. { type: 'CALL_ESTABLISHED', class: 'call', id, peeruri, param }. */
export interface BaresipEvent {
  t: number;
  type: string;
  class?: string;
  /** The call's id (SIP Call-ID) for call events. */
  id?: string;
  peeruri?: string;
  direction?: string;
  /** CALL_DTMF_START: the digit; CALL_CLOSED: the reason. */
  param?: string;
}

interface BaresipResponse {
  response: true;
  ok: boolean;
  data?: string;
  token?: string;
}

export class BaresipError extends Error {
  override name = 'BaresipError';
  constructor(
    readonly code: 'command_failed' | 'command_timeout' | 'not_connected' | 'wait_timeout' | 'not_registered',
    message: string,
  ) {
    super(message);
  }
}

const COMMAND_TIMEOUT_MS = 3_000;
const REGISTER_TIMEOUT_MS = 5_000;
const DEFAULT_WAIT_MS = 10_000;

/** baresip's config file (one "key value" a line). */
export function baresipConfig(options: BaresipOptions): string {
  const lines: Array<[string, string]> = [
    ['poll_method', 'epoll'],
    ['sip_listen', `127.0.0.1:${options.sipPort}`],
    // The only interface in the lab's namespace; RTP binds here too.
    ['net_interface', '127.0.0.1'],
    ['call_max_calls', '4'],
    ['audio_source', `ausine,${options.toneHz ?? 440}`],
    // ausine makes 48 kHz stereo only; baresip resamples to the call's 8 kHz mono G.711.
    ['ausrc_srate', '48000'],
    ['ausrc_channels', '2'],
    // No sound card: what the phone hears goes into an in-process bridge nobody reads.
    ['audio_player', 'aubridge,deskphone-speaker'],
    ['audio_alert', 'aubridge,deskphone-alert'],
    ['rtcp_mux', 'no'],
    ['jitter_buffer_delay', '1-10'],
    ['module_path', options.install.moduleDir],
    ['module', 'g711.so'],
    ['module', 'ausine.so'],
    ['module', 'aubridge.so'],
    ['module', 'ctrl_tcp.so'],
    ['module_tmp', 'account.so'],
    ['module_app', 'menu.so'],
    ['ctrl_tcp_listen', `127.0.0.1:${options.ctrlPort}`],
  ];
  return lines.map(([key, value]) => `${key}\t${value}`).join('\n') + '\n';
}

/** The account line: PCMU/PCMA only, answered by command, registering through Kamailio's UDP port. */
export function baresipAccount(options: BaresipOptions): string {
  for (const [name, value] of Object.entries({ user: options.user, authUser: options.authUser, password: options.password })) {
    if (/["\s;<>]/.test(value)) throw new TypeError(`baresip account ${name} has a character its account line cannot carry`);
  }
  const params = [
    `auth_user=${options.authUser}`,
    `auth_pass="${options.password}"`,
    `outbound="sip:${options.proxy.host}:${options.proxy.port};transport=udp"`,
    'regint=120',
    'audio_codecs=PCMU,PCMA',
    'answermode=manual',
  ];
  return `"${options.displayName.replace(/"/g, '')}" <sip:${options.user}@${options.domain}>;${params.join(';')}\n`;
}

/** Splits netstrings ("<len>:<payload>,") off a byte buffer; returns the payloads and the rest. */
export function readNetstrings(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let offset = 0;
  for (;;) {
    const colon = buffer.indexOf(0x3a, offset);
    if (colon < 0) break;
    const length = Number(buffer.subarray(offset, colon).toString('ascii'));
    if (!Number.isInteger(length) || length < 0) throw new BaresipError('command_failed', 'bad netstring from baresip');
    const end = colon + 1 + length;
    if (buffer.length < end + 1) break;
    messages.push(buffer.subarray(colon + 1, end).toString('utf8'));
    offset = end + 1; // the trailing ','
  }
  return { messages, rest: buffer.subarray(offset) };
}

export function netstring(payload: string): string {
  return `${Buffer.byteLength(payload)}:${payload},`;
}

export class Baresip {
  private readonly received: BaresipEvent[] = [];
  private readonly pending = new Map<string, (response: BaresipResponse) => void>();
  private readonly waiters = new Set<() => void>();
  private buffer: Buffer = Buffer.alloc(0);
  private tokens = 0;

  private constructor(
    private readonly daemon: ChildDaemon,
    private readonly socket: Socket,
    readonly aor: string,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
  }

  static async start(options: BaresipOptions): Promise<Baresip> {
    await mkdir(options.configDir, { recursive: true, mode: 0o700 });
    await writeFile(join(options.configDir, 'config'), baresipConfig(options), { mode: 0o600 });
    await writeFile(join(options.configDir, 'accounts'), baresipAccount(options), { mode: 0o600 });
    await writeFile(join(options.configDir, 'contacts'), '', { mode: 0o600 });
    const daemon = new ChildDaemon({
      name: 'baresip',
      binary: options.install.baresip,
      args: ['-f', options.configDir],
      cwd: options.configDir,
      log: join(options.configDir, 'baresip.log'),
      ready: () => canConnect(options.ctrlPort),
    });
    await daemon.start();
    let socket: Socket;
    try {
      socket = await openSocket(options.ctrlPort);
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    const phone = new Baresip(daemon, socket, `sip:${options.user}@${options.domain}`);
    try {
      await phone.waitRegistered();
    } catch (error) {
      await phone.stop();
      throw error;
    }
    return phone;
  }

  /** Every event so far, oldest first. */
  events(): readonly BaresipEvent[] {
    return this.received;
  }

  /** The first event of `type` at or after `since` (ms epoch) matching `match`; bounded. */
  waitFor(type: string, opts: { since?: number; match?: Partial<BaresipEvent>; timeoutMs?: number } = {}): Promise<BaresipEvent> {
    const { since = 0, match = {}, timeoutMs = DEFAULT_WAIT_MS } = opts;
    const find = (): BaresipEvent | undefined =>
      this.received.find(
        (event) =>
          event.type === type && event.t >= since && Object.entries(match).every(([key, value]) => event[key as keyof BaresipEvent] === value),
      );
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new BaresipError('wait_timeout', `baresip: no ${type} within ${timeoutMs} ms (events: ${this.received.map((e) => e.type).join(', ')})`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  dial(uri: string): Promise<string> {
    return this.command('dial', uri);
  }

  accept(): Promise<string> {
    return this.command('accept');
  }

  hangup(): Promise<string> {
    return this.command('hangup');
  }

  hold(): Promise<string> {
    return this.command('hold');
  }

  resume(): Promise<string> {
    return this.command('resume');
  }

  /** One DTMF digit, sent as an RFC 4733 telephone-event. */
  sendDigit(digit: string): Promise<string> {
    if (!/^[0-9*#A-D]$/.test(digit)) throw new TypeError(`not a DTMF digit: ${digit}`);
    return this.command('sndcode', digit);
  }

  /** baresip's own call status text (codec, RTP counters), for logs. */
  async callStatus(): Promise<string> {
    return withoutAnsi(await this.command('callstat'));
  }

  /** Sends a ctrl_tcp command; resolves with its text output, rejects when baresip says it failed. */
  async command(name: string, params = ''): Promise<string> {
    if (this.socket.destroyed) throw new BaresipError('not_connected', 'baresip control socket is closed');
    this.tokens += 1;
    const token = `t${this.tokens}`;
    const response = await new Promise<BaresipResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new BaresipError('command_timeout', `baresip: no answer to ${name} within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(token, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.socket.write(netstring(JSON.stringify({ command: name, params, token })));
    });
    if (!response.ok) throw new BaresipError('command_failed', `baresip ${name} ${params} failed: ${response.data ?? ''}`);
    return response.data ?? '';
  }

  async stop(): Promise<void> {
    this.socket.destroy();
    await this.daemon.stop();
  }

  /** Synchronous last resort for a process 'exit' handler. */
  killNow(): void {
    this.daemon.killNow();
  }

  private async waitRegistered(): Promise<void> {
    const deadline = Date.now() + REGISTER_TIMEOUT_MS;
    while (Date.now() < deadline) {
      // reginfo lists each account with "OK" (in colour) once its REGISTER succeeded.
      if (/\bOK\b/.test(withoutAnsi(await this.command('reginfo')))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new BaresipError('not_registered', `baresip did not register within ${REGISTER_TIMEOUT_MS} ms: ${await this.command('reginfo')}`);
  }

  private onData(chunk: Buffer): void {
    const { messages, rest } = readNetstrings(Buffer.concat([this.buffer, chunk]));
    this.buffer = rest;
    for (const text of messages) {
      const message = JSON.parse(text) as Partial<BaresipResponse> & Partial<BaresipEvent> & { event?: boolean };
      if (message.response && message.token !== undefined) {
        this.pending.get(message.token)?.(message as BaresipResponse);
        this.pending.delete(message.token);
      } else if (message.event && message.type) {
        const { type, class: kind, id, peeruri, direction, param } = message;
        this.received.push({ t: Date.now(), type, class: kind, id, peeruri, direction, param });
        for (const check of [...this.waiters]) check();
      }
    }
  }
}

/** baresip colours its text output with ANSI escapes. */
export function withoutAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

function canConnect(port: number): Promise<boolean> {
  return openSocket(port).then(
    (socket) => {
      socket.destroy();
      return true;
    },
    () => false,
  );
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
