/**
 * The phone engine with a real JsSIP user agent over a fake registrar socket
 * (in the style of JsSIP's own LoopSocket): REGISTER answered with 200 and our
 * contact, 200 without it, 403, or silence. The registration promise proven in
 * seconds, not in multi-minute browser runs.
 */
import { DEFAULT_AUDIO } from '../../../src/shared/audio-preferences';
import { afterEach, describe, expect, it } from 'vitest';
import { PhoneEngine } from '../../../src/offscreen/phone-engine';
import type { InnerSocket } from '../../../src/offscreen/observed-socket';
import type { EngineFact, EngineSettings } from '../../../src/shared/engine-types';
import { DEFAULT_CALL_PREFERENCES } from '../../../src/shared/engine-types';
import { until } from '../../../scripts/lib/until';

type Mode = 'ok' | 'no-contact' | 'forbidden' | 'silent';

const header = (msg: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(msg)?.[1]?.trim() ?? '';

class FakeRegistrar implements InnerSocket {
  url = 'ws://registrar.test';
  via_transport = 'WS';
  sip_uri = 'sip:registrar.test;transport=ws';
  onconnect: () => void = () => undefined;
  ondisconnect: (error: boolean, code?: number, reason?: string) => void = () => undefined;
  ondata: <T>(data: T) => void = () => undefined;
  mode: Mode = 'ok';
  registers: string[] = [];
  private connected = false;

  connect(): void {
    this.connected = true;
    setTimeout(() => this.onconnect(), 0);
  }
  disconnect(): void {
    this.connected = false;
  }
  isConnected(): boolean {
    return this.connected;
  }
  isConnecting(): boolean {
    return false;
  }
  send(message: string | ArrayBuffer): boolean {
    const msg = String(message);
    if (!msg.startsWith('REGISTER ')) return true;
    this.registers.push(msg);
    if (this.mode === 'silent') return true;
    const status = this.mode === 'forbidden' ? '403 Credentials Expired' : '200 OK';
    const contact = this.mode === 'ok' && header(msg, 'Expires') !== '0' ? [`Contact: ${header(msg, 'Contact')};expires=120`] : [];
    const reply = [
      `SIP/2.0 ${status}`,
      `Via: ${header(msg, 'Via')}`,
      `From: ${header(msg, 'From')}`,
      `To: ${header(msg, 'To')};tag=registrar`,
      `Call-ID: ${header(msg, 'Call-ID')}`,
      `CSeq: ${header(msg, 'CSeq')}`,
      ...contact,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    setTimeout(() => this.ondata(reply), 1);
    return true;
  }
}

const settings = (user = '1900000000:alice'): EngineSettings => ({
  wsUris: ['ws://registrar.test'],
  uri: 'sip:alice@vphone.lab',
  authorizationUser: user,
  displayName: 'Alice',
  iceServers: [],
  instanceId: '00000000-0000-4000-8000-000000000001',
  contactUser: 'abc123def456',
  registerExpiresSeconds: 120,
  refreshSeconds: 1,
  registerDeadlineMs: 300,
  connectTimeoutMs: 1000,
  keepAliveSeconds: 100,
  keepAliveDeadlineMs: 300,
  calls: DEFAULT_CALL_PREFERENCES,
  engineNotifies: true,
  audio: DEFAULT_AUDIO,
  micWhileRinging: true,
  workerHeartbeatSeconds: 0,
});

let engine: PhoneEngine | null = null;

function start(mode: Mode) {
  const registrar = new FakeRegistrar();
  registrar.mode = mode;
  const facts: EngineFact[] = [];
  let credential = { authorizationUser: '1900000000:alice', password: 'secret-1' };
  engine = new PhoneEngine((f) => void facts.push(f), async () => credential, () => Date.now(), {
    innerSocket: () => registrar,
    microphone: { acquire: async () => ({ ok: true, stream: { getTracks: () => [] } as unknown as MediaStream }), permission: async () => 'granted' },
  });
  const tick = setInterval(() => engine?.tick(), 100);
  return { registrar, facts, setCredential: (c: typeof credential) => (credential = c), stop: () => clearInterval(tick) };
}

afterEach(async () => {
  await engine?.disable();
  engine = null;
});

describe('the phone engine against a fake registrar', () => {
  it('registers: a 200 OK with our contact is "registered"', async () => {
    const t = start('ok');
    expect(await engine?.configure(settings())).toEqual({ ok: true });
    expect(await engine?.enable()).toEqual({ ok: true });
    await until('registered', () => t.facts.some((f) => f.kind === 'registered'), 3000, 10);
    expect(t.registrar.registers.length).toBeGreaterThanOrEqual(1);
    expect(header(t.registrar.registers[0] ?? '', 'Contact')).toContain('abc123def456');
    t.stop();
  });

  it('beats for the worker only while calls can ring here, at the configured period', async () => {
    const t = start('ok');
    await engine?.configure({ ...settings(), workerHeartbeatSeconds: 20 });
    expect(engine?.heartbeatSeconds()).toBe(0); // Configured, not switched on: no call can ring, the worker may sleep.
    await engine?.enable();
    expect(engine?.heartbeatSeconds()).toBe(20);
    await engine?.configure({ ...settings(), workerHeartbeatSeconds: 0 });
    expect(engine?.heartbeatSeconds()).toBe(0);
    await engine?.disable();
    expect(engine?.heartbeatSeconds()).toBe(0);
    t.stop();
  });

  it('a 200 OK without our contact is not a registration', async () => {
    const t = start('no-contact');
    await engine?.configure(settings());
    await engine?.enable();
    await until('refused', () => t.facts.some((f) => f.kind === 'registration-failed'), 3000, 10);
    expect(t.facts.some((f) => f.kind === 'registered')).toBe(false);
    t.stop();
  });

  it('403 Credentials Expired is reported with its status, for the worker to expire the session', async () => {
    const t = start('forbidden');
    await engine?.configure(settings());
    await engine?.enable();
    const refused = await until('refused', () => t.facts.find((f) => f.kind === 'registration-failed'), 3000, 10);
    expect(refused).toMatchObject({ status: 403, reason: 'Credentials Expired' });
    t.stop();
  });

  it('silence: the REGISTER deadline declares the transport dead', async () => {
    const t = start('silent');
    await engine?.configure(settings());
    await engine?.enable();
    await until('transport down', () => t.facts.some((f) => f.kind === 'transport' && !f.connected), 3000, 10);
    expect(t.facts.some((f) => f.kind === 'registered')).toBe(false);
    t.stop();
  });

  it('a renewed credential is swapped in place: no new user agent, no un-REGISTER, still registered', async () => {
    const t = start('ok');
    await engine?.configure(settings());
    await engine?.enable();
    await until('registered', () => t.facts.some((f) => f.kind === 'registered'), 3000, 10);
    const before = t.registrar.registers.length;
    t.setCredential({ authorizationUser: '1900009999:alice', password: 'secret-2' });
    expect(await engine?.configure(settings('1900009999:alice'))).toEqual({ ok: true });
    expect(engine?.state().configuredFor).toBe('1900009999:alice');
    await new Promise((r) => setTimeout(r, 1300)); // one refresh period
    const after = t.registrar.registers.slice(before);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.every((m) => header(m, 'Expires') !== '0')).toBe(true); // never an un-REGISTER
    expect(t.facts.filter((f) => f.kind === 'unregistered' || (f.kind === 'transport' && !f.connected))).toEqual([]);
    t.stop();
  });
});
