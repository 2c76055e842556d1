/**
 * rtpengine, the media relay between WebRTC clients and plain SIP phones
 * (Debian package rtpengine-daemon), in userspace only (no kernel module):
 * its ng control port and every media port on 127.0.0.1.
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { ChildDaemon } from './child-daemon';

export interface RtpengineOptions {
  binary: string;
  ngPort: number;
  /** Media ports [min, max], each call leg takes two (RTP, RTCP). */
  portMin: number;
  portMax: number;
  log: string;
  pidFile: string;
}

const PING_TIMEOUT_MS = 300;

export function rtpengineArgs(options: RtpengineOptions): string[] {
  return [
    '--config-file=none', // never /etc/rtpengine/rtpengine.conf
    '--table=-1', // userspace forwarding: no kernel module, no iptables
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${options.ngPort}`,
    `--port-min=${options.portMin}`,
    `--port-max=${options.portMax}`,
    '--foreground',
    '--log-stderr',
    '--log-level=6',
    `--pidfile=${options.pidFile}`,
    // A call nobody hangs up properly (a failed fork's branch) is dropped after this.
    '--timeout=60',
  ];
}

export function startRtpengine(options: RtpengineOptions): ChildDaemon {
  return new ChildDaemon({
    name: 'rtpengine',
    binary: options.binary,
    args: rtpengineArgs(options),
    log: options.log,
    ready: () => pingRtpengine(options.ngPort),
  });
}

/** The ng protocol: "<cookie> <bencoded dict>"; ping answers {"result": "pong"}. */
export function pingRtpengine(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const cookie = randomBytes(6).toString('hex');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PING_TIMEOUT_MS);
    socket.on('message', (message) => done(message.toString() === `${cookie} d6:result4:ponge`));
    socket.on('error', () => done(false));
    socket.send(`${cookie} d7:command4:pinge`, port, '127.0.0.1');
  });
}
