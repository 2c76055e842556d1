/**
 * Smoke test of the lab itself: the login contract, and the routing rules
 * R2-R6 with real SIP (Kamailio + JsSIP peers in headless Chromium).
 * Run inside a private network namespace:
 *   bash scripts/netns-run.sh npx vitest run --project lab
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedExtensionOrigins } from '../../scripts/lab/http-util';
import { startLab, type Lab } from '../../scripts/lab/lab';
import { assertLoopbackOnly } from '../../scripts/lib/netns';
import {
  eventsSince,
  expectTwoWayAudio,
  hangup,
  launchChromium,
  openConsole,
  placeCall,
  waitForEvent,
  type AgentWindow,
  type ConsoleWindow,
} from './console-driver';

const ALICE = '+15550001001';
const BOB = '+15550001002';
// Our extension's id, derived from the manifest key, as Chrome derives it.
const EXTENSION_ORIGIN = allowedExtensionOrigins()[0] ?? '';

let lab: Lab;
let browser: Browser;
let peers: Page;

beforeAll(async () => {
  assertLoopbackOnly();
  // Ports and work dir of its own, so it can run beside the e2e project's lab.
  lab = await startLab({ quiet: true, loginPort: 18787, sipWsPort: 18088, workDir: join(process.cwd(), '.lab', 'smoke') });
  browser = await launchChromium();
  peers = await openConsole(browser, lab.consoleUrl);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

describe('login service', () => {
  it('answers the login contract', async () => {
    const ok = await login({ username: 'alice', password: 'alice-password' });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, Record<string, unknown>>;
    expect(body['account']).toEqual({
      id: 'acct-alice',
      name: 'Alice Agent',
      email: 'alice@example.com',
      vPhoneNumber: ALICE,
    });
    expect(body['sip']).toMatchObject({
      wsUris: [lab.wsUri],
      uri: 'sip:alice@vphone.lab',
      authorizationUser: expect.stringMatching(/^\d+:alice$/),
      password: expect.any(String),
      displayName: 'Alice Agent',
      iceServers: [],
    });
    expect(Date.parse(String(body['sip']?.['expiresAt']))).toBeGreaterThan(Date.now());
    expect(body['routing']).toEqual({
      forwardingNumber: '+15550109001',
      forwardingEnabled: true,
      voicemailEnabled: true,
      ringTimeoutSeconds: 28,
    });

    expect(await statusAndBody(login({ username: 'alice', password: 'wrong' }))).toEqual([401, { error: 'invalid_credentials' }]);
    expect(await statusAndBody(login({ username: 'locked', password: 'locked-password' }))).toEqual([403, { error: 'account_locked' }]);
    expect((await login('not json')).status).toBe(400);
  });

  it('throttles repeated failures with 429', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await login({ username: 'mallory', password: `guess-${attempt}` })).status).toBe(401);
    }
    const [status, body] = await statusAndBody(login({ username: 'mallory', password: 'guess' }));
    expect(status).toBe(429);
    expect(body).toMatchObject({ error: 'too_many_attempts', retryAfterSeconds: expect.any(Number) });
  });

  it('answers CORS for extension origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${lab.loginUrl}/v1/softphone/login`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
    const allowed = await preflight(EXTENSION_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(EXTENSION_ORIGIN).toBe('chrome-extension://jpkfhnhppkeoaailjgikkdlnangmgebm');
    for (const origin of ['https://evil.example', 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']) {
      const refused = await preflight(origin);
      expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    const response = await login({ username: 'bob', password: 'bob-password' }, EXTENSION_ORIGIN);
    expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
  });

  it('routing API: bearer token from the login, the rules enforced (DESIGN §5)', async () => {
    const grant = (await (await login({ username: 'bob', password: 'bob-password' })).json()) as { api: { token: string; expiresAt: string } };
    expect(grant.api.token.length).toBeGreaterThan(16);
    const call = (method: string, body?: unknown, token = grant.api.token) =>
      statusAndBody(
        fetch(`${lab.loginUrl}/v1/softphone/routing`, {
          method,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    expect(await call('GET')).toEqual([200, expect.objectContaining({ forwardingNumber: null, voicemailEnabled: true, greeting: 'default' })]);
    expect(await call('GET', undefined, 'x'.repeat(32))).toEqual([401, { error: 'session_expired' }]);
    expect(await call('PUT', { forwardingNumber: '12ab' })).toEqual([422, { error: 'invalid_number', field: 'forwardingNumber' }]);
    expect(await call('PUT', { forwardingNumber: '+1 (555) 000-1002' })).toEqual([422, { error: 'forwarding_is_vphone_number', field: 'forwardingNumber' }]);
    expect(await call('PUT', { forwardingEnabled: true })).toEqual([422, { error: 'forwarding_needs_number', field: 'forwardingNumber' }]);
    expect(await call('PUT', { forwardingEnabled: 'yes' })).toEqual([400, { error: 'invalid_request' }]);
    const [status, saved] = await call('PUT', { forwardingNumber: '+1 555.010.9001', forwardingEnabled: true });
    expect(status).toBe(200);
    expect(saved).toMatchObject({ forwardingNumber: '+15550109001', forwardingEnabled: true, voicemailEnabled: true });
    // Left out: kept.
    expect((await call('PUT', { voicemailEnabled: false }))[1]).toMatchObject({ forwardingNumber: '+15550109001', voicemailEnabled: false });
    await lab.setRouting('bob', { forwardingNumber: null, forwardingEnabled: false, voicemailEnabled: true });
  });

  it('lab controls refuse a Host that is not loopback (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${lab.loginUrl}/lab/accounts`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: `rebind.example:${url.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await fetch(`${lab.loginUrl}/lab/accounts`)).status).toBe(200);
  });

  it('refuses a forwarding number equal to the vPhone number (R6)', async () => {
    const response = await fetch(`${lab.loginUrl}/lab/accounts/alice/routing`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ forwardingNumber: ALICE }),
    });
    expect(await statusAndBody(Promise.resolve(response))).toEqual([400, { error: 'forwarding_loop' }]);
    await expect(lab.setRouting('alice', { forwardingNumber: ALICE })).rejects.toThrow(/forwarding_loop/);
  });
});

describe('SIP routing', { timeout: 30_000 }, () => {
  it('answers with 403 Credentials Expired for an expired credential', async () => {
    const agent = await openConsole(browser, `${lab.consoleUrl}?agent=alice&ttl=-60`, false);
    const failure = await waitForEvent(agent, { who: 'agent', type: 'registrationFailed' });
    expect(failure).toMatchObject({ status: 403, detail: 'Credentials Expired' });
    await agent.close();
  });

  it('sends a call to voicemail at once when nothing else can ring (R5)', async () => {
    const since = Date.now();
    const call = await placeCall(peers, BOB, 'Smoke <Test> & "Co"');
    const answered = await waitForEvent(peers, { who: 'voicemail', type: 'answered' }, since);
    expect(answered.detail).toBe('bob');
    expect(answered.t - since).toBeLessThan(3000);
    await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
    await hangup(peers, call);
  });

  it('answers 404 for a number nobody owns', async () => {
    const since = Date.now();
    const call = await placeCall(peers, '+15559999999');
    expect(await waitForEvent(peers, { who: 'caller', type: 'failed', id: call }, since)).toMatchObject({ status: 404 });
  });

  it('answers 480 when voicemail is off and nothing can ring', async () => {
    await lab.setRouting('bob', { voicemailEnabled: false });
    try {
      const since = Date.now();
      const call = await placeCall(peers, BOB);
      expect(await waitForEvent(peers, { who: 'caller', type: 'failed', id: call }, since)).toMatchObject({ status: 480 });
    } finally {
      await lab.setRouting('bob', { voicemailEnabled: true });
    }
  });

  it('rings the forwarding target when the agent is not registered; press 1 connects with audio', async () => {
    expect(await lab.locations('alice')).toEqual([]);
    const since = Date.now();
    const call = await placeCall(peers, ALICE);
    const cell = await waitForEvent(peers, { who: 'cell', type: 'incoming' }, since);
    await waitForEvent(peers, { who: 'caller', type: 'ringing', id: call }, since);
    expect(await peers.evaluate(() => (window as unknown as ConsoleWindow).lab.cellAccept())).toBe(cell.id);
    await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
    await expectTwoWayAudio(peers, [call, cell.id]);
    await hangup(peers, call);
    await waitForEvent(peers, { who: 'cell', type: 'ended', id: cell.id }, since);
  });

  describe('with a registered agent', () => {
    let agent: Page;

    beforeAll(async () => {
      agent = await openConsole(browser, `${lab.consoleUrl}?agent=alice`);
      expect(await lab.locations('alice')).toHaveLength(1);
    });

    afterAll(async () => {
      await agent.close();
      await lab.setRouting('alice', { forwardingEnabled: true, ringTimeoutSeconds: 28 });
    });

    it('rings agent and cell together; the agent answers and the cell gets CANCEL cause=200 (R2)', async () => {
      const since = Date.now();
      const call = await placeCall(peers, ALICE);
      const ringing = await waitForEvent(agent, { who: 'agent', type: 'incoming' }, since);
      const cell = await waitForEvent(peers, { who: 'cell', type: 'incoming' }, since);
      expect(await agent.evaluate(() => (window as unknown as AgentWindow).lab.answer())).toBe(ringing.id);
      const cancelled = await waitForEvent(peers, { who: 'cell', type: 'cancelled', id: cell.id }, since);
      expect(cancelled.detail).toMatch(/^SIP;cause=200\b/);
      await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
      await expectTwoWayAudio(peers, [call]);
      await hangup(peers, call);
    });

    it('keeps the cell ringing after the agent declines with 486 (R4)', async () => {
      const since = Date.now();
      const call = await placeCall(peers, ALICE);
      await waitForEvent(agent, { who: 'agent', type: 'incoming' }, since);
      const cell = await waitForEvent(peers, { who: 'cell', type: 'incoming' }, since);
      await agent.evaluate(() => (window as unknown as AgentWindow).lab.decline());
      await waitForEvent(agent, { who: 'agent', type: 'failed' }, since);
      await peers.waitForTimeout(1500);
      expect(await eventsSince(peers, since, { id: cell.id, type: 'cancelled' })).toEqual([]);
      expect(await eventsSince(peers, since, { id: call, type: 'failed' })).toEqual([]);
      await peers.evaluate(() => (window as unknown as ConsoleWindow).lab.cellAccept());
      await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
      await hangup(peers, call);
    });

    it('sends a declined call to voicemail when there is no forwarding (R4)', async () => {
      await lab.setRouting('alice', { forwardingEnabled: false });
      const since = Date.now();
      const call = await placeCall(peers, ALICE);
      await waitForEvent(agent, { who: 'agent', type: 'incoming' }, since);
      await agent.evaluate(() => (window as unknown as AgentWindow).lab.decline());
      const answered = await waitForEvent(peers, { who: 'voicemail', type: 'answered' }, since);
      expect(answered.detail).toBe('alice');
      expect(await eventsSince(peers, since, { who: 'cell', type: 'incoming' })).toEqual([]);
      await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
      await hangup(peers, call);
    });

    it('sends an unanswered call to voicemail after the ring timeout (R4)', async () => {
      await lab.setRouting('alice', { forwardingEnabled: true, ringTimeoutSeconds: 3 });
      const since = Date.now();
      const call = await placeCall(peers, ALICE);
      const ringing = await waitForEvent(agent, { who: 'agent', type: 'incoming' }, since);
      const cell = await waitForEvent(peers, { who: 'cell', type: 'incoming' }, since);
      const answered = await waitForEvent(peers, { who: 'voicemail', type: 'answered' }, since);
      expect(answered.detail).toBe('alice');
      expect(answered.t - since).toBeGreaterThanOrEqual(2800);
      expect(answered.t - since).toBeLessThan(8000);
      await waitForEvent(peers, { who: 'cell', type: 'cancelled', id: cell.id }, since);
      await waitForEvent(agent, { who: 'agent', type: 'cancelled', id: ringing.id }, since);
      await hangup(peers, call);
    });

    it('drops a binding on the server while the socket stays open', async () => {
      await lab.dropBinding('alice');
      expect(await lab.locations('alice')).toEqual([]);
    });
  });
});

function login(body: unknown, origin?: string): Promise<Response> {
  return fetch(`${lab.loginUrl}/v1/softphone/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(origin ? { Origin: origin } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function statusAndBody(response: Promise<Response>): Promise<[number, unknown]> {
  const resolved = await response;
  return [resolved.status, await resolved.json()];
}
