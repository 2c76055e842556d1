import { describe, expect, it } from 'vitest';
import { MAX_SIP_MESSAGE_BYTES, ObservedSocket, type InnerSocket, type SocketWatch } from '../../../src/offscreen/observed-socket';

function socketWith(watch: Partial<SocketWatch>) {
  const inner = { url: 'ws://x', via_transport: 'WS', sip_uri: 'sip:x', connect: () => undefined, disconnect: () => undefined, send: () => true, isConnected: () => true, isConnecting: () => false } as unknown as InnerSocket;
  const full: SocketWatch = { onRegisterSent: () => undefined, onRegisterReply: () => undefined, onConnectTimeout: () => undefined, onInbound: () => undefined, onOutbound: () => undefined, ...watch };
  const s = new ObservedSocket('ws://x', full, 1000, inner);
  const delivered: string[] = [];
  s.ondata = (d) => void delivered.push(String(d));
  s.connect();
  s.disconnect();
  return { inner, delivered };
}

describe('the observed socket', () => {
  it('drops a message too large to be SIP before JsSIP parses it, but counts it as a sign of life', () => {
    let inbound = 0;
    const { inner, delivered } = socketWith({ onInbound: (b) => void (inbound += b) });
    inner.ondata('OPTIONS sip:x SIP/2.0\r\n\r\n');
    inner.ondata(`INVITE sip:x SIP/2.0\r\nX-Big: ${'x'.repeat(MAX_SIP_MESSAGE_BYTES)}\r\n\r\n`);
    expect(delivered).toHaveLength(1);
    expect(inbound).toBeGreaterThan(MAX_SIP_MESSAGE_BYTES);
  });
});
