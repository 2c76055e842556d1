/**
 * The provider's voicemail (greeting, messages: R7) and line test, in the
 * lab: the HTTP contract of DESIGN.md §5 and real calls through Kamailio to
 * the console's voicemail, cell and line-test phones. Run inside a private
 * network namespace:
 *   bash scripts/netns-run.sh npx vitest run --project lab
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allowedExtensionOrigins } from '../../scripts/lab/http-util';
import { startLab, type Lab } from '../../scripts/lab/lab';
import type { LineTestJson } from '../../scripts/lab/line-test';
import { toneWav } from '../../scripts/lab/wav';
import { assertLoopbackOnly } from '../../scripts/lib/netns';
import { until } from '../../scripts/lib/until';
import { audioLevel, hangup, launchChromium, openConsole, placeCall, waitForEvent, type AgentWindow, type ConsoleWindow } from './console-driver';

const BOB = '+15550001002';
const RING_TIMEOUT_SECONDS = 3;
const EXTENSION_ORIGIN = allowedExtensionOrigins()[0] ?? '';

let lab: Lab;
let browser: Browser;
let peers: Page;
const tokens = new Map<string, string>();

beforeAll(async () => {
  assertLoopbackOnly();
  lab = await startLab({
    quiet: true,
    loginPort: 18787,
    sipWsPort: 18088,
    ringTimeoutSeconds: RING_TIMEOUT_SECONDS,
    workDir: join(process.cwd(), '.lab', 'voicemail'),
  });
  browser = await launchChromium();
  peers = await openConsole(browser, lab.consoleUrl);
  for (const user of ['alice', 'bob']) tokens.set(user, await tokenFor(user));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

afterEach(async () => {
  await lab.setCellMode('ring');
  await peers.evaluate(() => {
    const lab = (window as unknown as ConsoleWindow).lab;
    for (const call of lab.calls()) if (call.status !== 'ended') lab.hangup(call.id);
  });
});

async function tokenFor(user: string): Promise<string> {
  const response = await fetch(`${lab.loginUrl}/v1/softphone/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: `${user}-password` }),
  });
  return ((await response.json()) as { api: { token: string } }).api.token;
}

/** A provider API call as the extension makes it (token: the user's, '' for none, or a literal). */
async function api(method: string, path: string, opts: { user?: string; token?: string; body?: Buffer; type?: string } = {}): Promise<Response> {
  const token = opts.token ?? tokens.get(opts.user ?? 'bob') ?? '';
  return fetch(`${lab.loginUrl}/v1/softphone${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(opts.type ? { 'Content-Type': opts.type } : {}) },
    body: opts.body === undefined ? undefined : new Uint8Array(opts.body),
  });
}

async function json(response: Promise<Response>): Promise<[number, unknown]> {
  const resolved = await response;
  return [resolved.status, resolved.status === 204 ? null : await resolved.json()];
}

async function greetingKind(user: string): Promise<unknown> {
  const [, routing] = await json(api('GET', '/routing', { user }));
  return (routing as { greeting: unknown }).greeting;
}

describe('voicemail greeting', () => {
  it('PUT / GET / DELETE, with the limits of the contract', async () => {
    expect(await greetingKind('bob')).toBe('default');
    const builtIn = await api('GET', '/voicemail/greeting');
    expect(builtIn.status).toBe(200);
    expect(builtIn.headers.get('content-type')).toBe('audio/wav');
    const builtInBytes = Buffer.from(await builtIn.arrayBuffer());
    expect(builtInBytes.toString('ascii', 0, 4)).toBe('RIFF');

    const mine = toneWav([{ hz: 880, ms: 1500 }]);
    expect(await json(api('PUT', '/voicemail/greeting', { body: mine, type: 'text/plain' }))).toEqual([415, { error: 'unsupported_media' }]);
    expect(await json(api('PUT', '/voicemail/greeting', { body: Buffer.from('not a wave file'), type: 'audio/wav' }))).toEqual([415, { error: 'unsupported_media' }]);
    expect(await json(api('PUT', '/voicemail/greeting', { body: Buffer.alloc(2_000_001, 1), type: 'audio/webm' }))).toEqual([413, { error: 'too_large' }]);
    const tooLong = toneWav([{ hz: 440, ms: 61_000 }]); // 976 KB: small enough, too long
    expect(await json(api('PUT', '/voicemail/greeting', { body: tooLong, type: 'audio/wav' }))).toEqual([413, { error: 'too_large' }]);
    expect(await json(api('PUT', '/voicemail/greeting', { body: mine, type: 'audio/wav', token: '' }))).toEqual([401, { error: 'session_expired' }]);
    expect(await greetingKind('bob')).toBe('default');

    expect(await json(api('PUT', '/voicemail/greeting', { body: mine, type: 'audio/wav' }))).toEqual([200, { greeting: 'custom' }]);
    expect(await greetingKind('bob')).toBe('custom');
    expect(await greetingKind('alice')).toBe('default');
    const custom = await api('GET', '/voicemail/greeting');
    expect(Buffer.from(await custom.arrayBuffer()).equals(mine)).toBe(true);
    expect((await api('GET', '/voicemail/greeting', { token: 'x'.repeat(32) })).status).toBe(401);

    expect(await json(api('DELETE', '/voicemail/greeting'))).toEqual([200, { greeting: 'default' }]);
    expect(await greetingKind('bob')).toBe('default');
    expect(Buffer.from(await (await api('GET', '/voicemail/greeting')).arrayBuffer()).equals(builtInBytes)).toBe(true);
  });

  it('answers CORS preflights for the extension with the Authorization header', async () => {
    const preflight = await fetch(`${lab.loginUrl}/v1/softphone/voicemail/greeting`, {
      method: 'OPTIONS',
      headers: { Origin: EXTENSION_ORIGIN, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/DELETE/);
    const refused = await fetch(`${lab.loginUrl}/v1/softphone/line-test`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
  });
});

describe('voicemail messages', () => {
  afterEach(() => lab.clearVoicemail('bob'));

  it('lists injected messages newest first; audio with the token; heard; 404 and 401', async () => {
    const older = await lab.addVoicemail('bob', { fromUser: 'caller', fromName: 'Lab Caller', durationSeconds: 2 });
    const hostileName = `<img src=x onerror=alert(1)> ${'é'.repeat(300)}`;
    const newer = await lab.addVoicemail('bob', { from: `+1555${'9'.repeat(100)}`, fromName: hostileName, durationSeconds: 7.4, heard: false });
    const [status, body] = await json(api('GET', '/voicemail/messages'));
    expect(status).toBe(200);
    const messages = (body as { messages: Array<Record<string, unknown>> }).messages;
    expect(messages.map((m) => m.id)).toEqual([newer.id, older.id]);
    expect(messages[1]).toEqual({ id: older.id, from: '+15550100001', fromName: 'Lab Caller', receivedAt: expect.any(String), durationSeconds: 2, heard: false });
    expect(messages[0]).toMatchObject({ durationSeconds: 7, heard: false });
    expect(String(messages[0]?.from)).toHaveLength(64);
    expect(Array.from(String(messages[0]?.fromName))).toHaveLength(128);
    expect(String(messages[0]?.fromName).startsWith('<img src=x onerror=alert(1)>')).toBe(true);
    expect((await json(api('GET', '/voicemail/messages', { user: 'alice' })))[1]).toEqual({ messages: [] });

    const audio = await api('GET', `/voicemail/messages/${older.id}/audio`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(16_000 * 2); // 2 s of 8 kHz 16-bit tone
    expect(await json(api('GET', `/voicemail/messages/${older.id}/audio`, { token: '' }))).toEqual([401, { error: 'session_expired' }]);
    expect(await json(api('GET', `/voicemail/messages/${older.id}/audio`, { user: 'alice' }))).toEqual([404, { error: 'not_found' }]);
    expect(await json(api('GET', '/voicemail/messages/nope/audio'))).toEqual([404, { error: 'not_found' }]);

    expect(await json(api('POST', `/voicemail/messages/${older.id}/heard`))).toEqual([204, null]);
    expect(await json(api('POST', '/voicemail/messages/nope/heard'))).toEqual([404, { error: 'not_found' }]);
    expect(await json(api('POST', `/voicemail/messages/${older.id}/heard`, { token: 'y'.repeat(32) }))).toEqual([401, { error: 'session_expired' }]);
    expect((await lab.voicemailMessages('bob')).map((m) => [m.id, m.heard])).toEqual([[newer.id, false], [older.id, true]]);

    await lab.clearVoicemail('bob');
    expect((await json(api('GET', '/voicemail/messages')))[1]).toEqual({ messages: [] });
    expect(await json(api('GET', '/voicemail/messages', { token: '' }))).toEqual([401, { error: 'session_expired' }]);
  });

  it('refuses malformed injections', async () => {
    await expect(lab.addVoicemail('bob', { durationSeconds: -1 })).rejects.toThrow(/400/);
    await expect(lab.addVoicemail('bob', { durationSeconds: 1, audio: Buffer.from('hello').toString('base64') })).rejects.toThrow(/invalid_message/);
    await expect(lab.addVoicemail('nobody', { durationSeconds: 1 })).rejects.toThrow(/404/);
  });

  it('records a real call: softphone off, voicemail at once (R5); the caller hears the greeting, the message has the caller on it', async () => {
    const since = Date.now();
    const call = await placeCall(peers, BOB, 'Voicemail <Test>');
    const answered = await waitForEvent(peers, { who: 'voicemail', type: 'answered' }, since);
    expect(answered.detail).toBe('bob');
    expect(answered.t - since).toBeLessThan(3000);
    await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
    // The 1.5 s default greeting, as the caller hears it.
    const greeting = await audioLevel(peers, call, 1200);
    await waitForEvent(peers, { who: 'voicemail', type: 'recording', id: answered.id }, since);
    const afterBeep = Date.now();
    await peers.waitForTimeout(3000); // the caller's fake microphone beeps into the message
    await hangup(peers, call);
    const saved = await waitForEvent(peers, { who: 'voicemail', type: 'message-saved', id: answered.id }, since);
    console.info('voicemail call', { answeredAfterMs: answered.t - since, greeting, recordedMs: Date.now() - afterBeep });
    expect(greeting.level).toBeGreaterThan(0.05);

    const [, body] = await json(api('GET', '/voicemail/messages'));
    const message = (body as { messages: Array<Record<string, unknown>> }).messages[0];
    expect(message).toMatchObject({ id: saved.detail, from: '+15550100001', fromName: 'Voicemail <Test>', heard: false });
    expect(Number(message?.durationSeconds)).toBeGreaterThanOrEqual(2);
    expect(Date.parse(String(message?.receivedAt))).toBeGreaterThanOrEqual(since);

    const audio = await api('GET', `/voicemail/messages/${String(saved.detail)}/audio`);
    expect(audio.headers.get('content-type')).toBe('audio/webm');
    const recording = Buffer.from(await audio.arrayBuffer());
    const decoded = await peers.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const context = new AudioContext();
      const buffer = await context.decodeAudioData(bytes.buffer);
      const samples = buffer.getChannelData(0);
      let sum = 0;
      for (const s of samples) sum += s * s;
      await context.close();
      return { seconds: buffer.duration, rms: Math.sqrt(sum / samples.length) };
    }, recording.toString('base64'));
    console.info('recorded message', { bytes: recording.length, ...decoded });
    expect(decoded.seconds).toBeGreaterThan(2);
    expect(decoded.rms).toBeGreaterThan(0.01);

    expect((await api('POST', `/voicemail/messages/${String(saved.detail)}/heard`)).status).toBe(204);
    expect((await lab.voicemailMessages('bob'))[0]).toMatchObject({ id: saved.detail, heard: true, contentType: 'audio/webm' });
  });
});

describe('voicemail calls', () => {
  afterEach(() => lab.clearVoicemail('bob'));

  it("plays the account's own greeting: a silent one is silence at the caller", async () => {
    const silent = toneWav([{ hz: 440, ms: 1500 }], 0);
    expect((await api('PUT', '/voicemail/greeting', { body: silent, type: 'audio/wav' })).status).toBe(200);
    try {
      const since = Date.now();
      const call = await placeCall(peers, BOB);
      await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
      const level = await audioLevel(peers, call, 1200);
      expect(level.packetsReceived).toBeGreaterThan(20);
      expect(level.level).toBeLessThan(0.01);
      await hangup(peers, call);
    } finally {
      await api('DELETE', '/voicemail/greeting');
    }
  });

  it('a caller who speaks for 3 s after the answer leaves a message; one who hangs up during the greeting leaves none', async () => {
    let since = Date.now();
    const early = await placeCall(peers, BOB, 'Early Hangup');
    const earlyAnswer = await waitForEvent(peers, { who: 'voicemail', type: 'answered' }, since);
    await peers.waitForTimeout(500);
    await hangup(peers, early);
    await waitForEvent(peers, { who: 'voicemail', type: 'ended', id: earlyAnswer.id }, since);
    await peers.waitForTimeout(1000);
    expect(await lab.voicemailMessages('bob')).toEqual([]);

    since = Date.now();
    const call = await placeCall(peers, BOB, 'Quick Caller');
    const answered = await waitForEvent(peers, { who: 'voicemail', type: 'answered' }, since);
    await peers.waitForTimeout(3000);
    await hangup(peers, call);
    const saved = await waitForEvent(peers, { who: 'voicemail', type: 'message-saved', id: answered.id }, since);
    const [message] = await lab.voicemailMessages('bob');
    expect(message).toMatchObject({ id: saved.detail, fromName: 'Quick Caller', contentType: 'audio/webm' });
    expect(message?.durationSeconds).toBeGreaterThanOrEqual(1);
    const audio = Buffer.from(await (await api('GET', `/voicemail/messages/${String(saved.detail)}/audio`)).arrayBuffer());
    const peak = await peers.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const context = new AudioContext();
      const samples = (await context.decodeAudioData(bytes.buffer)).getChannelData(0);
      await context.close();
      // The loudest 50 ms: the fake microphone beeps.
      let loudest = 0;
      for (let start = 0; start + 2400 <= samples.length; start += 2400) {
        let sum = 0;
        for (let i = start; i < start + 2400; i += 1) sum += (samples[i] ?? 0) ** 2;
        loudest = Math.max(loudest, Math.sqrt(sum / 2400));
      }
      return loudest;
    }, audio.toString('base64'));
    console.info('a 3 s call to voicemail', { durationSeconds: message?.durationSeconds, bytes: audio.length, peak });
    expect(peak).toBeGreaterThan(0.05);
  });
});

describe('line test', { timeout: 60_000 }, () => {
  async function startTest(user: string): Promise<string> {
    const [status, body] = await json(api('POST', '/line-test', { user }));
    expect(status).toBe(202);
    return (body as { id: string }).id;
  }

  async function finished(user: string, id: string): Promise<LineTestJson & { doneAfterMs: number }> {
    const started = Date.now();
    const report = await until(
      `line test ${id} done`,
      async () => {
        const [, body] = await json(api('GET', `/line-test/${id}`, { user }));
        return (body as LineTestJson).state === 'done' ? (body as LineTestJson) : null;
      },
      45_000,
      200,
    );
    return { ...report, doneAfterMs: Date.now() - started };
  }

  it('nothing registered for bob: voicemail answers at once; a second test meanwhile gets 429', async () => {
    const before = (await lab.voicemailMessages('bob')).length;
    const since = Date.now();
    const id = await startTest('bob');
    expect(await json(api('POST', '/line-test', { user: 'bob' }))).toEqual([429, { error: 'line_test_running' }]);
    const [, running] = await json(api('GET', `/line-test/${id}`));
    expect(running).toMatchObject({ state: 'running' });
    const incoming = await waitForEvent(peers, { who: 'voicemail', type: 'incoming' }, since);
    expect(incoming.detail).toBe('Line test');
    const report = await finished('bob', id);
    console.info('line test, voicemail at once', report);
    expect(report.answeredBy).toBe('voicemail');
    expect(report.legs).toEqual([{ route: 'voicemail', rangAfterMs: expect.any(Number), answeredAfterMs: expect.any(Number) }]);
    expect(report.legs[0]?.answeredAfterMs).toBeLessThan(2000);
    // A line test leaves no message.
    expect(await lab.voicemailMessages('bob')).toHaveLength(before);
    // Over: another may start.
    const again = await startTest('bob');
    await finished('bob', again);
  });

  it('answers 401 without a token, 404 for another account\'s test or an unknown id', async () => {
    expect(await json(api('POST', '/line-test', { token: '' }))).toEqual([401, { error: 'session_expired' }]);
    expect(await json(api('GET', '/line-test/whatever', { token: 'z'.repeat(32) }))).toEqual([401, { error: 'session_expired' }]);
    expect(await json(api('GET', '/line-test/unknown-id'))).toEqual([404, { error: 'not_found' }]);
    const id = await startTest('bob');
    expect(await json(api('GET', `/line-test/${id}`, { user: 'alice' }))).toEqual([404, { error: 'not_found' }]);
    await finished('bob', id);
  });

  it("alice forwarding to a cell whose own voicemail answers at once: forwarding picked up, vPhone voicemail took the call (R3)", async () => {
    await lab.setCellMode('answer-at-once');
    const since = Date.now();
    const id = await startTest('alice');
    const cell = await waitForEvent(peers, { who: 'cell', type: 'incoming' }, since);
    await waitForEvent(peers, { who: 'cell', type: 'picked-up', id: cell.id }, since);
    const report = await finished('alice', id);
    console.info('line test, cell answers at once', report);
    expect(report.answeredBy).toBe('voicemail');
    expect(report.legs.map((leg) => leg.route)).toEqual(['forwarding', 'voicemail']);
    const [forwarding, voicemail] = report.legs;
    expect(forwarding?.rangAfterMs).toBeLessThan(1000);
    expect(forwarding?.answeredAfterMs).toBeLessThan(1000);
    expect(voicemail?.answeredAfterMs).toBeGreaterThanOrEqual(RING_TIMEOUT_SECONDS * 1000 - 200);
    expect(voicemail?.answeredAfterMs).toBeLessThan(RING_TIMEOUT_SECONDS * 1000 + 2000);
    await waitForEvent(peers, { who: 'cell', type: 'cancelled', id: cell.id }, since);
  });

  it("alice's cell presses 1: the forwarding leg takes the call", async () => {
    await lab.setCellMode('press-1');
    const id = await startTest('alice');
    const report = await finished('alice', id);
    console.info('line test, cell presses 1', report);
    expect(report.answeredBy).toBe('forwarding');
    expect(report.legs).toEqual([{ route: 'forwarding', rangAfterMs: expect.any(Number), answeredAfterMs: expect.any(Number) }]);
    expect(report.legs[0]?.answeredAfterMs).toBeGreaterThanOrEqual(400);
    expect(report.legs[0]?.answeredAfterMs).toBeLessThan(2000);
  });

  it('with an agent registered: extension and forwarding ring, the agent answers and hears the tone', async () => {
    const agent = await openConsole(browser, `${lab.consoleUrl}?agent=alice`);
    try {
      const since = Date.now();
      const id = await startTest('alice');
      const ringing = await waitForEvent(agent, { who: 'agent', type: 'incoming' }, since);
      expect(ringing.detail).toBe('Line test');
      await waitForEvent(peers, { who: 'cell', type: 'incoming' }, since);
      await agent.evaluate(() => (window as unknown as AgentWindow).lab.answer());
      await waitForEvent(agent, { who: 'agent', type: 'confirmed', id: ringing.id }, since);
      const tone = await audioLevel(agent, ringing.id, 800);
      const report = await finished('alice', id);
      console.info('line test, agent answers', JSON.stringify({ tone, report }));
      expect(tone.level).toBeGreaterThan(0.05);
      expect(report.answeredBy).toBe('extension');
      expect(report.legs.map((leg) => leg.route)).toEqual(['extension', 'forwarding']);
      expect(report.legs[0]?.answeredAfterMs).toEqual(expect.any(Number));
      expect(report.legs[1]).toMatchObject({ rangAfterMs: expect.any(Number), answeredAfterMs: null });
      // The line-test phone hung up by itself, about 3 s after the answer.
      const ended = await waitForEvent(agent, { who: 'agent', type: 'ended', id: ringing.id }, since);
      expect(ended.detail).toBe('remote');
    } finally {
      await agent.close();
      await lab.dropBinding('alice');
    }
  });

  it('answers 503 while the console, which holds the phones, is closed', async () => {
    const consoleConnected = async () => ((await (await fetch(`${lab.loginUrl}/lab/accounts`)).json()) as { consoleConnected: boolean }).consoleConnected;
    expect(await consoleConnected()).toBe(true);
    await peers.close();
    try {
      await until('the console channel closes', async () => !(await consoleConnected()), 5000);
      expect(await json(api('POST', '/line-test'))).toEqual([503, { error: 'line_test_unavailable' }]);
    } finally {
      peers = await openConsole(browser, lab.consoleUrl);
    }
    await until('the console channel opens again', consoleConnected, 5000);
  });
});
