/**
 * A STUN server that never answers: a UDP socket on 127.0.0.1 that reads
 * every datagram and replies to none. Listed in the login answer's
 * `sip.iceServers` (README: "A STUN server that never answers"), it makes a
 * browser's ICE gathering slow, the way an unreachable STUN server does.
 */
import { createSocket, type Socket } from 'node:dgram';

const HOST = '127.0.0.1';

export class BlackholeStun {
  private socket: Socket | null = null;
  private opening: Promise<void> | null = null;
  private count = 0;

  constructor(readonly port: number) {}

  /** What the login answer lists: `stun:127.0.0.1:<port>`. */
  get uri(): string {
    return `stun:${HOST}:${this.port}`;
  }

  /** Datagrams received (STUN binding requests, none answered) since the socket opened. */
  get requests(): number {
    return this.count;
  }

  /** Opens the socket; safe to call again. */
  open(): Promise<void> {
    this.opening ??= new Promise<void>((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.on('message', () => {
        this.count += 1;
      });
      socket.on('error', (error) => {
        if (this.socket === socket) return; // Never answers, so nothing to fail once open.
        this.opening = null;
        socket.close();
        reject(error);
      });
      socket.bind(this.port, HOST, () => {
        this.socket = socket;
        resolve();
      });
    });
    return this.opening;
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    this.opening = null;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
