/**
 * The rest of the session's life (issue 4) end to end, in real Chromium against
 * the real lab: login errors as the popup says them, an expiry with the
 * softphone off (signing in again leaves it off), an expiry during a call (the
 * call goes on, the expiry is handled when it ends), and a browser restart on
 * the same profile before and after the credential expires.
 *
 * The periods are shortened through the extension's `tuning` setting, as in
 * session.test.ts. Only the agent's own sign-ins get a short session lifetime:
 * the lab console's peers sign in first, with the default long one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { callStats, grantMicrophone, LabConsole, launchAgent, notifications, signIn, snapshot, startTestLab, until, type Agent } from './harness';

const ALICE = { user: 'alice', password: 'alice-password', name: 'Alice Agent', number: '+15550001001' };
const LOCKED = { user: 'locked', password: 'locked-password' };
/** Used by no other test, so its failed attempts throttle nobody else. */
const THROTTLED_USER = 'lifecycle-throttle';
const LONG_LIFETIME_SECONDS = 3600;
const TUNING = { refreshSeconds: 2, registerDeadlineMs: 2000, connectTimeoutMs: 2000, watchdogMinutes: 0.1, graceSeconds: 2 };

let lab: Lab;
let agent: Agent;
let popup: Page;
let lc: LabConsole;
/** Every request the agent's browser makes (pages and the extension's service worker). */
const requests: string[] = [];

/** An agent whose Playwright actions fail with a message instead of waiting forever. */
async function launch(opts: { userDataDir?: string } = {}): Promise<Agent> {
  const a = await launchAgent(opts);
  a.context.setDefaultTimeout(20_000);
  return a;
}

async function tune(a: Agent): Promise<void> {
  await (await a.worker()).evaluate((t) => chrome.storage.local.set({ tuning: t }), TUNING);
}

const alert = (page: Page) => page.getByRole('alert');

interface SeenSnapshot {
  login: string;
  loginError: string | null;
}

/** Records in the popup page every snapshot the worker pushes, to tell this attempt's answer from the last one's. */
async function recordSnapshots(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { seen: SeenSnapshot[] };
    w.seen = [];
    chrome.runtime.onMessage.addListener((m: { target?: string; type?: string; snapshot?: SeenSnapshot }) => {
      if (m?.target === 'ui' && m.type === 'snapshot' && m.snapshot) w.seen.push({ login: m.snapshot.login, loginError: m.snapshot.loginError });
    });
  });
}

const seen = () => popup.evaluate(() => (window as unknown as { seen: SeenSnapshot[] }).seen);

/** Signs in through the popup and waits for this attempt's failure; the popup's alert must say `expected`. */
async function signInFails(server: string, username: string, password: string, expected: string): Promise<{ code: string; text: string }> {
  const mark = (await seen()).length;
  await signIn(popup, server, username, password);
  const failure = await until('the worker reports this attempt failed', async () =>
    (await seen()).slice(mark).find((s) => s.login === 'signed-out' && s.loginError !== null),
  );
  await expect.poll(() => alert(popup).textContent()).toContain(expected);
  return { code: failure.loginError ?? '', text: (await alert(popup).textContent()) ?? '' };
}

/**
 * Signs the agent in through its popup with a session of `seconds`, for this
 * sign-in only: the lab's lifetime is set back to long once the extension holds
 * the grant. Returns when the credential expires (ms since epoch).
 */
async function signInWithLifetime(a: Agent, seconds: number): Promise<number> {
  const previous = (await snapshot(a)).sessionExpiresAt;
  await lab.setSessionLifetime(seconds);
  try {
    await signIn(a.popup, lab.loginUrl, ALICE.user, ALICE.password);
    const s = await until('signed in', async () => {
      const snap = await snapshot(a);
      return snap.login === 'signed-in' && snap.sessionExpiresAt && snap.sessionExpiresAt !== previous ? snap : null;
    });
    const expiresAt = Date.parse(s.sessionExpiresAt ?? '');
    // This sign-in's credential, not a long one: issued at or before now for `seconds`.
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(seconds * 1000);
    return expiresAt;
  } finally {
    await lab.setSessionLifetime(LONG_LIFETIME_SECONDS);
  }
}

/** Checks `check` over `ms`: it must hold every time (a state that must not change). */
async function holdsFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await check())) throw new Error(`no longer true: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function hasOffscreenDocument(a: Agent): Promise<boolean> {
  return (await a.worker()).evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] })).length > 0);
}

/**
 * The microphone allowed for the extension in the profile itself, as Chromium's
 * prompt stores it ("Allow while visiting the site"). The CDP grant the tests
 * otherwise use is an override that dies with the browser (checked: after a
 * relaunch the phone is "mic-needed"). Written while the browser is closed.
 */
async function persistMicrophoneGrant(userDataDir: string, origin: string): Promise<void> {
  const path = join(userDataDir, 'Default', 'Preferences');
  const prefs = JSON.parse(await readFile(path, 'utf8')) as { profile?: { content_settings?: { exceptions?: Record<string, unknown> } } };
  const exceptions = ((prefs.profile ??= {}).content_settings ??= {}).exceptions ??= {};
  exceptions.media_stream_mic = { ...(exceptions.media_stream_mic as object | undefined), [`${origin},*`]: { last_modified: '13350000000000000', setting: 1 } };
  await writeFile(path, JSON.stringify(prefs));
}

const permissionPageOpen = (a: Agent) => a.context.pages().some((p) => p.url().endsWith('/permission.html'));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A provider that answers the login with 200 and `body` (CORS for the extension's origin). */
async function startOffContractProvider(origin: string, body: string): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`);
    const cors = {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

beforeAll(async () => {
  lab = await startTestLab('lifecycle');
  // Nothing else may answer for the agent: a call reaches the extension or voicemail.
  await lab.setRouting(ALICE.user, { forwardingEnabled: false });
  agent = await launch();
  popup = agent.popup;
  agent.context.on('request', (r) => requests.push(r.url()));
  await tune(agent);
  await grantMicrophone(agent, agent.origin);
  await recordSnapshots(popup);
  // The console's peers sign in now, with the lab's default (long) lifetime.
  lc = await LabConsole.open(agent, lab.consoleUrl);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('login errors are clear and specific', () => {
  it('account locked', async () => {
    const { code } = await signInFails(lab.loginUrl, LOCKED.user, LOCKED.password, 'This account is locked. Contact your administrator.');
    expect(code).toBe('account_locked');
    expect(await popup.getByRole('textbox', { name: 'Username' }).inputValue()).toBe(LOCKED.user);
  });

  it('too many attempts (429) says how long to wait', async () => {
    // Five failures within a minute, as a password guesser would make them.
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${lab.loginUrl}/v1/softphone/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: THROTTLED_USER, password: `guess-${i}` }),
      });
      expect(r.status).toBe(401);
    }
    const { code, text } = await signInFails(lab.loginUrl, THROTTLED_USER, 'one-more-guess', 'Too many sign-in attempts.');
    expect(code).toBe('too_many_attempts');
    const wait = /Too many sign-in attempts\. Try again in (\d+) s\./.exec(text);
    expect(wait, text).not.toBeNull();
    const seconds = Number(wait?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    const retryAt = (await snapshot(agent)).retry?.at ?? 0;
    expect(Math.abs(retryAt - Date.now() - seconds * 1000)).toBeLessThan(2000);
    // The wait is enforced: Sign in is disabled while the countdown runs, and the worker does not ask the server again.
    expect(await agent.popup.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
    // On the private port, as the popup sends it.
    const asked = await agent.popup.evaluate(
      ([server, user]) =>
        new Promise((resolve) => {
          const port = chrome.runtime.connect({ name: 'private-request' });
          port.onMessage.addListener((answer) => {
            resolve(answer);
            port.disconnect();
          });
          port.postMessage({ target: 'background', type: 'login', server, username: user, password: 'again' });
        }),
      [lab.loginUrl, THROTTLED_USER] as const,
    );
    expect(asked).toMatchObject({ ok: false, error: 'too_many_attempts' });
  });

  it('server unreachable: the request is made and fails', async () => {
    const server = `http://127.0.0.1:${await freePort()}`;
    const before = requests.length;
    const { code } = await signInFails(server, ALICE.user, ALICE.password, 'Cannot reach the server. Check the address and your connection.');
    expect(code).toBe('server_unreachable');
    expect(requests.slice(before).some((u) => u.startsWith(`${server}/v1/softphone/login`))).toBe(true);
  });

  it('a server URL that is not https is refused before anything is sent', async () => {
    const before = requests.length;
    const { code } = await signInFails('http://example.com', ALICE.user, ALICE.password, 'The server address must start with https:// (http:// only for localhost).');
    expect(code).toBe('invalid_server_url');
    // The recorder sees the extension's own requests (the test above checks it): none went out.
    expect(requests.slice(before).filter((u) => u.includes('example.com'))).toEqual([]);
    expect((await snapshot(agent)).login).toBe('signed-out');
  });

  it('a redirect is never followed: the password is not sent to its Location, and the agent is told why', async () => {
    const target = await startOffContractProvider(agent.origin, '{}'); // Records anything that reaches it.
    const redirector: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const cors = { 'access-control-allow-origin': agent.origin, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' };
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
      res.writeHead(307, { ...cors, location: `${target.url}/v1/softphone/login` }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    try {
      const { code } = await signInFails(url, ALICE.user, ALICE.password, 'The server tried to send your sign-in elsewhere.');
      expect(code).toBe('login_redirected');
      expect(target.seen.filter((r) => r.startsWith('POST'))).toEqual([]);
    } finally {
      await new Promise<void>((r) => redirector.close(() => r()));
      await target.close();
    }
  });

  it('a 200 answer that does not match the contract', async () => {
    const offContract = [
      JSON.stringify({ account: { id: 'x' }, token: 'not what the contract says' }),
      // Well-formed but for a SIP server over plain ws:// off loopback, which would expose the credential.
      JSON.stringify({
        account: { id: 'acct-x', name: 'X', email: 'x@example.com', vPhoneNumber: '+15550009999' },
        sip: {
          wsUris: ['ws://sip.example.com'],
          uri: 'sip:x@example.com',
          authorizationUser: '1:x',
          password: 'p',
          displayName: 'X',
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          iceServers: [],
        },
        routing: { forwardingNumber: null, forwardingEnabled: false, voicemailEnabled: true, ringTimeoutSeconds: 20 },
      }),
      'this is not JSON',
    ];
    for (const body of offContract) {
      const provider = await startOffContractProvider(agent.origin, body);
      try {
        const { code } = await signInFails(provider.url, ALICE.user, ALICE.password, 'The server sent an answer this extension does not understand.');
        expect(code).toBe('bad_response');
        // It did answer: the error is about the body, not about reaching the server.
        expect(provider.seen).toContain('POST /v1/softphone/login');
      } finally {
        await provider.close();
      }
      const stored = await (await agent.worker()).evaluate(() => chrome.storage.local.get('session'));
      expect(stored.session).toBeUndefined();
    }
  });
});

describe('session expiry', () => {
  it('with the softphone off: detected, and signing in again leaves it off with nothing registered', async () => {
    const lifetime = 12;
    const expiresAt = await signInWithLifetime(agent, lifetime);
    await expect.poll(() => popup.getByLabel('Signed in account').textContent()).toContain(ALICE.name);
    // The agent's choice is "off": switched on once, then off again.
    const softphone = popup.getByRole('switch', { name: 'Softphone' });
    await softphone.click();
    await until('registered', async () => (await snapshot(agent)).registration === 'registered');
    await softphone.click();
    await until('off and no binding', async () => (await snapshot(agent)).registration === 'off' && (await lab.locations(ALICE.user)).length === 0, 10_000);
    expect(Date.now(), 'switched on and off before the credential expires').toBeLessThan(expiresAt);

    // No REGISTER refresh to be refused with the phone off: the watchdog must see expiresAt pass.
    await until('session expired', async () => (await snapshot(agent)).registration === 'session-expired', (lifetime + 20) * 1000, 200);
    console.log(`softphone off: expiry noticed ${Date.now() - expiresAt} ms after expiresAt`);
    const note = await until('the session notification', async () => (await notifications(agent)).session, 5000);
    expect(note).toMatchObject({ title: 'Your session expired', buttons: ['Sign in'], requireInteraction: true });
    await expect.poll(() => popup.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await popup.getByRole('textbox', { name: 'Username' }).inputValue()).toBe(ALICE.user);
    expect(await popup.getByRole('textbox', { name: 'Server' }).inputValue()).toBe(lab.loginUrl);

    // Sign in again: the password only, no other click.
    await popup.getByLabel('Password').fill(ALICE.password);
    await popup.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => popup.getByLabel('Signed in account').textContent()).toContain(ALICE.name);
    expect(await softphone.getAttribute('aria-checked')).toBe('false');
    await expect.poll(() => popup.getByRole('status').textContent()).toContain('Softphone is off');
    expect((await notifications(agent)).session).toBeUndefined();
    await holdsFor('off, with nothing registered on the server', 4000, async () => {
      const s = await snapshot(agent);
      return s.login === 'signed-in' && !s.softphoneEnabled && s.registration === 'off' && (await lab.locations(ALICE.user)).length === 0;
    });
    // Calls follow the routing rules: voicemail at once.
    const placedAt = Date.now();
    const callerId = await lc.call(ALICE.number, 'Phone off');
    const vm = await lc.waitFor('voicemail answers', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= placedAt);
    expect(vm.detail).toBe(ALICE.user);
    expect((await snapshot(agent)).calls).toEqual([]);
    await lc.hangup(callerId);
  });

  it('during a call: the call goes on with audio, the expiry is handled when it ends', async () => {
    await popup.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => popup.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    const expiresAt = await signInWithLifetime(agent, 20);
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await until('registered', async () => (await snapshot(agent)).registration === 'registered');

    const callerId = await lc.call(ALICE.number, 'Long call');
    await until('rings', async () => (await snapshot(agent)).calls[0]?.phase === 'ringing');
    await popup.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
    const beforeExpiry = await until('audio both ways', async () => {
      const s = await callStats(agent);
      return s && s.bytesSent > 0 && s.bytesReceived > 0 ? s : null;
    });
    const callerBefore = await lc.stats(callerId);
    expect(Date.now(), 'the call must be up before the credential expires').toBeLessThan(expiresAt);

    // Past expiresAt by several refresh periods (each refused by the server) and a watchdog tick.
    const pastExpiry = expiresAt + TUNING.refreshSeconds * 3000 + TUNING.watchdogMinutes * 60_000 + 1000;
    await new Promise((r) => setTimeout(r, pastExpiry - Date.now()));
    const afterExpiry = await callStats(agent);
    await new Promise((r) => setTimeout(r, 1500));
    const later = await callStats(agent);
    const callerLater = await lc.stats(callerId);
    console.log(`expiry during a call: extension ${beforeExpiry.bytesSent}/${beforeExpiry.bytesReceived} B → ${later?.bytesSent}/${later?.bytesReceived} B sent/received; caller ${callerBefore.bytesSent}/${callerBefore.bytesReceived} B → ${callerLater.bytesSent}/${callerLater.bytesReceived} B`);
    // Audio keeps flowing both ways after the expiry, at both ends.
    expect(afterExpiry?.bytesSent).toBeGreaterThan(beforeExpiry.bytesSent);
    expect(later?.bytesSent).toBeGreaterThan(afterExpiry?.bytesSent ?? Infinity);
    expect(later?.bytesReceived).toBeGreaterThan(afterExpiry?.bytesReceived ?? Infinity);
    expect(callerLater.bytesSent).toBeGreaterThan(callerBefore.bytesSent);
    expect(callerLater.bytesReceived).toBeGreaterThan(callerBefore.bytesReceived);
    expect((await lc.events()).filter((e) => e.who === 'caller' && e.id === callerId && (e.type === 'ended' || e.type === 'failed'))).toEqual([]);
    expect((await snapshot(agent)).calls[0]?.phase).toBe('active');
    // The credential really is dead: the server refused the refreshes made during the call (connection timeline).
    const timeline = (await popup.evaluate(() => chrome.runtime.sendMessage({ target: 'background', type: 'get-timeline' }))) as { at: number; event: string; detail: string }[];
    expect(timeline.filter((e) => e.event === 'register-failed' && e.detail.startsWith('403') && e.at >= expiresAt).length).toBeGreaterThan(0);
    // The agent still has the call's controls.
    const hangUp = popup.getByRole('button', { name: 'Hang up' });
    expect(await hangUp.isVisible()).toBe(true);

    await hangUp.click();
    await lc.waitFor('the caller sees the end', (e) => e.who === 'caller' && e.id === callerId && e.type === 'ended');
    const endedAt = Date.now();
    await until('session expired once the call is over', async () => (await snapshot(agent)).registration === 'session-expired', 10_000);
    console.log(`expiry handled ${Date.now() - endedAt} ms after the call ended`);
    expect((await snapshot(agent)).lastCall?.endReason).toBe('local-hangup');
    expect(await until('the session notification', async () => (await notifications(agent)).session, 5000)).toMatchObject({
      title: 'Your session expired',
    });
    await until('the server dropped the binding', async () => (await lab.locations(ALICE.user)).length === 0, 15_000);
    await expect.poll(() => popup.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await popup.getByRole('textbox', { name: 'Username' }).inputValue()).toBe(ALICE.user);
  });
});

describe('browser restart on the same profile', () => {
  let userDataDir = '';
  let second: Agent | null = null;

  afterAll(async () => {
    await second?.close();
  });

  it('before expiry: registered again without signing in, and a call rings', async () => {
    await lab.setSessionLifetime(LONG_LIFETIME_SECONDS);
    second = await launch();
    userDataDir = second.userDataDir;
    await tune(second);
    await grantMicrophone(second, second.origin);
    await signIn(second.popup, lab.loginUrl, ALICE.user, ALICE.password);
    await second.popup.getByRole('switch', { name: 'Softphone' }).click();
    await until('registered', async () => (await snapshot(second!)).registration === 'registered' && (await lab.locations(ALICE.user)).length === 1);
    const [contact] = await lab.locations(ALICE.user);

    const origin = second.origin;
    await second.close({ keepProfile: true });
    second = null;
    await until('the server dropped the closed browser binding', async () => (await lab.locations(ALICE.user)).length === 0, 15_000);
    await persistMicrophoneGrant(userDataDir, origin);

    const relaunchedAt = Date.now();
    second = await launch({ userDataDir });
    const relaunched = second;
    // Signed in from the stored session, with no form and no click.
    await expect.poll(() => relaunched.popup.getByLabel('Signed in account').textContent()).toContain(ALICE.name);
    expect(await relaunched.popup.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    expect(await snapshot(relaunched)).toMatchObject({ login: 'signed-in', softphoneEnabled: true });
    await until('registered again', async () => (await snapshot(relaunched)).registration === 'registered', 20_000);
    console.log(`browser restart: registered again ${Date.now() - relaunchedAt} ms after the relaunch`);
    expect(await relaunched.popup.getByRole('switch', { name: 'Softphone' }).getAttribute('aria-checked')).toBe('true');
    expect(permissionPageOpen(relaunched)).toBe(false);
    // One binding, the same contact as before the restart (no ghost).
    await until('one binding', async () => (await lab.locations(ALICE.user)).length === 1, 10_000);
    expect(await lab.locations(ALICE.user)).toEqual([contact]);

    const callerId = await lc.call(ALICE.number, 'After restart');
    await until('rings after the restart', async () => (await snapshot(relaunched)).calls[0]?.phase === 'ringing');
    await relaunched.popup.getByRole('button', { name: 'Decline' }).click();
    await until('call over', async () => (await snapshot(relaunched)).calls.length === 0);
    await lc.hangup(callerId);
  });

  it('after expiry: asks to sign in with server and username filled in, and nothing is registered', async () => {
    expect(second).not.toBeNull();
    const a = second!;
    await a.popup.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => a.popup.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    const expiresAt = await signInWithLifetime(a, 10);
    // The agent's "on" comes back with the sign-in.
    await until('registered', async () => (await snapshot(a)).registration === 'registered', 20_000);

    // The browser is closed while the credential expires.
    await a.close({ keepProfile: true });
    second = null;
    await until('the server dropped the closed browser binding', async () => (await lab.locations(ALICE.user)).length === 0, 15_000);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt + 1000 - Date.now())));

    second = await launch({ userDataDir });
    const relaunched = second;
    const p = relaunched.popup;
    await expect.poll(() => p.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await p.getByRole('textbox', { name: 'Username' }).inputValue()).toBe(ALICE.user);
    expect(await p.getByRole('textbox', { name: 'Server' }).inputValue()).toBe(lab.loginUrl);
    expect(await p.textContent('body')).toContain('Your session expired');
    expect(await (await relaunched.worker()).evaluate(async () => (await chrome.storage.local.get('session')).session)).toBeUndefined();
    await holdsFor('signed out, nothing registered, no phone engine', 4000, async () => {
      const s = await snapshot(relaunched);
      return s.login === 'signed-out' && s.registration === 'off' && !(await hasOffscreenDocument(relaunched)) && (await lab.locations(ALICE.user)).length === 0;
    });

    // Signing in again brings the softphone back on (the profile's microphone grant is still there).
    await p.getByLabel('Password').fill(ALICE.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await until('registered after signing in again', async () => (await snapshot(relaunched)).registration === 'registered' && (await lab.locations(ALICE.user)).length === 1, 20_000);
    expect(await p.getByRole('switch', { name: 'Softphone' }).getAttribute('aria-checked')).toBe('true');
    expect(permissionPageOpen(relaunched)).toBe(false);
  });
});
