/**
 * A JsSIP socket that lets the engine see REGISTER traffic and pull the plug.
 *
 * JsSIP gives no hook for a refresh's outcome, and it trusts a WebSocket that
 * says "open" even when nothing answers on it (a frozen server, a dead NAT
 * binding). Wrapping the socket gives us both: every REGISTER and its reply go
 * past `watch`, and `kill()` ends the connection *as an error*, so that JsSIP's
 * own transport recovery (reconnect with backoff) takes over — the UA is never
 * stopped, and a call in progress keeps its session objects.
 */
import { WebSocketInterface } from 'jssip';
import type { Socket } from 'jssip/lib/Socket';
import { parseRegisterReply, parseRegisterRequest, type RegisterReplyInfo } from '../shared/sip-register-reply';

export interface SocketWatch {
  onRegisterSent(cseq: number): void;
  onRegisterReply(reply: RegisterReplyInfo): void;
  /** The WebSocket did not open within the deadline (a server that accepts TCP but never answers). */
  onConnectTimeout(): void;
  /** Anything arrived from the server (`bytes` long): the link is alive. */
  onInbound(bytes: number): void;
  /** We sent `bytes` of SIP (the signalling traffic, for diagnostics and the keep-alive's cost). */
  onOutbound(bytes: number): void;
}

/**
 * The largest SIP message we let JsSIP parse. Real ones are a few KB (an
 * INVITE with a WebRTC offer ~5 KB); a server that sends megabytes is broken
 * or hostile, and parsing them would only cost the phone its time.
 */
export const MAX_SIP_MESSAGE_BYTES = 64 * 1024;

/** SIP over WebSocket is text; its size on the wire is its UTF-8 length. */
export function wireBytes(data: unknown): number {
  if (typeof data === 'string') return new TextEncoder().encode(data).length;
  return data instanceof ArrayBuffer ? data.byteLength : 0;
}

type DisconnectHandler = (error: boolean, code?: number, reason?: string) => void;

/** What the observed socket wraps: JsSIP's WebSocketInterface, or a fake registrar in unit tests. */
export type InnerSocket = Pick<WebSocketInterface, 'url' | 'via_transport' | 'sip_uri' | 'connect' | 'disconnect' | 'send' | 'isConnected' | 'isConnecting'> & {
  onconnect: () => void;
  ondisconnect: DisconnectHandler;
  ondata: <T>(data: T) => void;
};

export class ObservedSocket implements Socket {
  private readonly inner: InnerSocket;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  onconnect: () => void = () => undefined;
  ondisconnect: DisconnectHandler = () => undefined;
  ondata: <T>(data: T) => void = () => undefined;

  constructor(
    url: string,
    private readonly watch: SocketWatch,
    private readonly connectTimeoutMs: number,
    inner?: InnerSocket,
  ) {
    this.inner = inner ?? (new WebSocketInterface(url));
  }

  get url(): string {
    return this.inner.url;
  }
  get via_transport(): string {
    return this.inner.via_transport;
  }
  set via_transport(value: string) {
    this.inner.via_transport = value;
  }
  get sip_uri(): string {
    return this.inner.sip_uri;
  }

  connect(): void {
    this.inner.onconnect = () => {
      this.clearConnectTimer();
      this.onconnect();
    };
    this.inner.ondisconnect = (error: boolean, code?: number, reason?: string) => {
      this.clearConnectTimer();
      this.ondisconnect(error, code, reason);
    };
    this.inner.ondata = <T,>(data: T) => {
      const bytes = wireBytes(data);
      this.watch.onInbound(bytes);
      if (bytes > MAX_SIP_MESSAGE_BYTES) return; // Dropped before JsSIP parses it (the link is alive, though).
      if (typeof data === 'string') {
        const reply = parseRegisterReply(data);
        if (reply) this.watch.onRegisterReply(reply);
      }
      this.ondata(data);
    };
    this.clearConnectTimer();
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      this.watch.onConnectTimeout();
      this.kill('WebSocket did not open in time');
    }, this.connectTimeoutMs);
    this.inner.connect();
  }

  disconnect(): void {
    this.clearConnectTimer();
    this.inner.disconnect();
  }

  send(message: string | ArrayBuffer): boolean {
    this.watch.onOutbound(wireBytes(message));
    if (typeof message === 'string') {
      const request = parseRegisterRequest(message);
      if (request) this.watch.onRegisterSent(request.cseq);
    }
    return this.inner.send(message);
  }

  isConnected(): boolean {
    return this.inner.isConnected();
  }

  isConnecting(): boolean {
    return this.inner.isConnecting();
  }

  /** Drops the connection as a failure, so JsSIP reconnects on its own (with backoff). */
  kill(reason: string): void {
    this.clearConnectTimer();
    this.inner.disconnect();
    this.ondisconnect(true, 4000, reason);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}
