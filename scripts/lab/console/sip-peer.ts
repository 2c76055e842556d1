/** One registered JsSIP user agent of the console, with credentials from the login service. */
import { UA, WebSocketInterface } from 'jssip';
import type { PeerName } from './api';
import type { EventLog } from './event-log';
import type { LoginGrant } from '../../../src/shared/login-contract';

/** The `sip` block the login service hands out (DESIGN.md §5). */
type SipConfig = LoginGrant['sip'];

export class SipPeer {
  /** The edge (index into wsUris) this page's phones connect to first; `?edge=<n>`. */
  private static preferredEdge = 0;

  readonly ua: UA;
  /** The grant's ICE servers ([] unless the lab lists its STUN server that never answers). */
  readonly iceServers: RTCIceServer[];
  /** Resolves on the first successful REGISTER, rejects if the first attempt fails. */
  readonly registered: Promise<void>;
  private registeredNow = false;

  private constructor(
    readonly name: PeerName,
    config: SipConfig,
    private readonly log: EventLog,
    private readonly onChange: () => void,
  ) {
    if (config.wsUris.length === 0) throw new Error(`no WebSocket URI for ${name}`);
    this.iceServers = config.iceServers.map((server) => ({ ...server }));
    this.ua = new UA({
      sockets: weightedSockets(config.wsUris, SipPeer.preferredEdge),
      uri: config.uri,
      authorization_user: config.authorizationUser,
      password: config.password,
      display_name: config.displayName,
      register: true,
      register_expires: 120,
      // Session timers would add re-INVITEs/UPDATEs to every trace for nothing.
      session_timers: false,
      user_agent: 'vphone-lab-console',
    });
    this.registered = this.watchRegistration();
    this.ua.start();
  }

  /**
   * With several edges, the page's phones connect to edge `index` first and
   * fall back on the others in wsUris order (JsSIP moves to the next socket
   * when one fails); by default the primary, edge 0.
   */
  static preferEdge(index: number): void {
    SipPeer.preferredEdge = index;
  }

  /** `ttl` overrides the credential lifetime (negative: already expired). */
  static async create(
    name: PeerName,
    user: string,
    log: EventLog,
    onChange: () => void,
    ttl?: number,
  ): Promise<SipPeer> {
    const query = ttl === undefined ? '' : `?ttl=${encodeURIComponent(String(ttl))}`;
    const response = await fetch(`/lab/credentials/${encodeURIComponent(user)}${query}`);
    if (!response.ok) throw new Error(`credentials for ${user}: HTTP ${response.status}`);
    return new SipPeer(name, (await response.json()) as SipConfig, log, onChange);
  }

  get isRegistered(): boolean {
    return this.registeredNow;
  }

  private watchRegistration(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ua.on('registered', () => {
        if (!this.registeredNow) this.log.add({ who: this.name, type: 'registered', id: '' });
        this.setRegistered(true);
        resolve();
      });
      this.ua.on('unregistered', () => {
        this.log.add({ who: this.name, type: 'unregistered', id: '' });
        this.setRegistered(false);
      });
      this.ua.on('registrationFailed', (event) => {
        // JsSIP's type says `response` is always there; a transport error has none.
        const response = event.response as typeof event.response | null;
        this.log.add({
          who: this.name,
          type: 'registrationFailed',
          id: '',
          cause: event.cause,
          status: response?.status_code,
          detail: response?.reason_phrase,
        });
        this.setRegistered(false);
        reject(new Error(`${this.name} could not register: ${event.cause ?? 'unknown cause'}`));
      });
      this.ua.on('disconnected', () => {
        this.log.add({ who: this.name, type: 'disconnected', id: '' });
        this.setRegistered(false);
      });
    });
  }

  private setRegistered(registered: boolean): void {
    this.registeredNow = registered;
    this.onChange();
  }
}

/** JsSIP connects to the highest weight first: the preferred edge, then the others in order. */
function weightedSockets(wsUris: readonly string[], preferred: number): { socket: WebSocketInterface; weight: number }[] {
  const first = preferred >= 0 && preferred < wsUris.length ? preferred : 0;
  const order = [first, ...wsUris.keys()].filter((index, position, all) => all.indexOf(index) === position);
  return order.map((index, rank) => ({ socket: new WebSocketInterface(wsUris[index] ?? ''), weight: wsUris.length - rank }));
}
