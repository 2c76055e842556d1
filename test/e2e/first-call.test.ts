/**
 * The agent's first day, end to end: real Chromium with the built extension,
 * real Kamailio, the real login service, real JsSIP peers in the lab console.
 * The steps share one browser and run in order, like an agent's day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { callStats, clickNotificationButton, grantMicrophone, LabConsole, launchAgent, notifications, signIn, snapshot, until, type Agent, startTestLab } from './harness';

const ALICE = { user: 'alice', password: 'alice-password', name: 'Alice Agent', number: '+15550001001' };
const BOB = { user: 'bob', password: 'bob-password', name: 'Bob Builder', number: '+15550001002' };
const RING_TIMEOUT_SECONDS = 8;
const HOSTILE_NAME = '<img src=x onerror="document.title=\'pwned\'">';

let lab: Lab;
let agent: Agent;
let lc: LabConsole;
let popup: Page;

const status = () => popup.getByRole('status');
const ready = () => until('popup says Ready', async () => (await status().textContent())?.includes('Ready to receive calls'));

async function ringingCallId(): Promise<string> {
  const s = await until('the extension sees a ringing call', async () => {
    const snap = await snapshot(agent);
    return snap.calls.find((c) => c.phase === "ringing") ?? null;
  });
  return s.id;
}

beforeAll(async () => {
  lab = await startTestLab('first-call', { ringTimeoutSeconds: RING_TIMEOUT_SECONDS });
  agent = await launchAgent();
  popup = agent.popup;
  lc = await LabConsole.open(agent, lab.consoleUrl);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('an agent answers calls in Chromium', () => {
  it('a wrong password shows a clear error and keeps the form', async () => {
    await signIn(popup, lab.loginUrl, ALICE.user, 'not-the-password');
    await expect.poll(() => popup.getByRole('alert').textContent()).toContain('Wrong username or password');
    expect(await popup.getByRole('textbox', { name: 'Username' }).inputValue()).toBe(ALICE.user);
    // The error belongs to that attempt: once the agent edits the form it is gone (it would
    // otherwise sit beside the browser's own "Please enter a URL").
    await popup.getByRole('textbox', { name: 'Server' }).fill('not a url');
    expect(await popup.getByRole('alert').count()).toBe(0);
  });

  it('signs in and shows which account it is signed in to; no other page sees the password', async () => {
    // Another extension page listening to every runtime message, as the offscreen document and the options page do.
    const eavesdropper = await agent.context.newPage();
    await eavesdropper.goto(`${agent.origin}/options.html`);
    await eavesdropper.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { seen });
      chrome.runtime.onMessage.addListener((m: unknown) => void seen.push(JSON.stringify(m)));
    });
    await signIn(popup, lab.loginUrl, ALICE.user, ALICE.password);
    await expect.poll(() => popup.getByLabel('Signed in account').textContent()).toContain(ALICE.name);
    const seen = await eavesdropper.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.length).toBeGreaterThan(0); // It does hear the snapshots.
    expect(seen.filter((m) => m.includes(ALICE.password))).toEqual([]);
    Object.assign(globalThis, { eavesdropper });
    await expect.poll(() => popup.getByLabel('Signed in account').textContent()).toContain(ALICE.name);
    expect(await popup.getByLabel('Signed in account').textContent()).toContain(ALICE.number);
    expect(await popup.getByRole('switch', { name: 'Softphone' }).getAttribute('aria-checked')).toBe('false');
  });

  it('switching on without a microphone grant opens the permission page; once granted, the phone enables itself', async () => {
    const permissionPage = agent.context.waitForEvent('page', { predicate: (p) => p.url().endsWith('/permission.html') });
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    const page = await permissionPage;
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Allow while visiting the site');
    expect(await page.textContent('body')).toContain('Allow this time');
    expect((await snapshot(agent)).registration).toBe('mic-needed');

    await grantMicrophone(agent, agent.origin);
    await ready();
    expect(await page.getByRole('status').textContent()).toContain('Microphone allowed');
    expect((await lab.locations(ALICE.user)).length).toBe(1);
    // The engine was configured and registered: the SIP password never went past another page.
    const sipPassword = await (await agent.worker()).evaluate(async () => ((await chrome.storage.local.get('session')) as { session: { sip: { password: string } } }).session.sip.password);
    const eavesdropper = (globalThis as unknown as { eavesdropper: Page }).eavesdropper;
    const seen = await eavesdropper.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.some((m) => m.includes('engine-configure'))).toBe(true);
    expect(seen.filter((m) => m.includes(sipPassword))).toEqual([]);
    await eavesdropper.close();
  });

  it('a call rings: popup shows the caller, a notification has Answer / Decline', async () => {
    const callerId = await lc.call(ALICE.number, HOSTILE_NAME);
    await ringingCallId();
    await expect.poll(() => popup.getByLabel('Incoming call').textContent()).toContain(HOSTILE_NAME);
    expect(await popup.title()).not.toBe('pwned');
    expect(await popup.locator('img').count()).toBe(0);
    const all = await notifications(agent);
    const [id, note] = Object.entries(all).find(([k]) => k.startsWith('call:')) ?? [];
    expect(id).toBeDefined();
    expect(note?.title).toBe('Incoming call');
    expect(note?.message).toContain(HOSTILE_NAME);
    expect(note?.buttons).toEqual(['Answer', 'Decline']);
    expect(note?.requireInteraction).toBe(true);

    // Answer from the popup: audio flows both ways.
    await popup.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
    await expect.poll(() => popup.getByRole('button', { name: 'Hang up' }).isVisible()).toBe(true);
    const first = await until('audio both ways in the extension', async () => {
      const s = await callStats(agent);
      return s && s.bytesSent > 0 && s.bytesReceived > 0 ? s : null;
    });
    const caller = await until('audio both ways at the caller', async () => {
      const s = await lc.stats(callerId);
      return s.bytesSent > 0 && s.bytesReceived > 0 ? s : null;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const later = await callStats(agent);
    expect(later?.bytesSent).toBeGreaterThan(first.bytesSent);
    expect(later?.bytesReceived).toBeGreaterThan(first.bytesReceived);
    console.log(`audio: extension sent ${later?.bytesSent} B / received ${later?.bytesReceived} B; caller sent ${caller.bytesSent} B / received ${caller.bytesReceived} B`);
    expect(Object.keys(await notifications(agent)).some((k) => k.startsWith('call:'))).toBe(false);

    // The caller hangs up.
    await lc.hangup(callerId);
    await until('call over in the extension', async () => (await snapshot(agent)).calls.length === 0);
    await expect.poll(() => popup.locator('.last-call').textContent()).toContain('The caller hung up');
    await ready();
  });

  it('answers from the notification button, and the agent hangs up', async () => {
    const callerId = await lc.call(ALICE.number, 'Dana Caller');
    const callId = await ringingCallId();
    await clickNotificationButton(agent, `call:${callId}`, 0);
    await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
    await popup.getByRole('button', { name: 'Hang up' }).click();
    await lc.waitFor('caller sees the call end', (e) => e.who === 'caller' && e.id === callerId && e.type === 'ended');
    await until('call over in the extension', async () => (await snapshot(agent)).calls.length === 0);
    expect((await snapshot(agent)).lastCall?.endReason).toBe('local-hangup');
  });

  it('Decline answers 486 and the forwarding phone keeps ringing', async () => {
    const callerId = await lc.call(ALICE.number, 'Erin Caller');
    await ringingCallId();
    await lc.waitFor('cell rings in parallel', (e) => e.who === 'cell' && e.type === 'incoming');
    const cellRingingSince = Date.now();
    await popup.getByRole('button', { name: 'Decline' }).click();
    await until('declined in the extension', async () => (await snapshot(agent)).lastCall?.endReason === 'declined');
    // The fork goes on: the cell is not cancelled and the caller still waits.
    await new Promise((r) => setTimeout(r, 2000));
    const events = (await lc.events()).filter((e) => e.t >= cellRingingSince);
    expect(events.filter((e) => e.who === 'cell' && (e.type === 'cancelled' || e.type === 'ended'))).toEqual([]);
    expect(events.filter((e) => e.who === 'caller' && e.id === callerId && (e.type === 'failed' || e.type === 'ended'))).toEqual([]);
    // R3: the cell accepts ("press 1") and gets the call.
    expect(await lc.cellAccept()).not.toBeNull();
    await lc.waitFor('caller connected to the cell', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
    await lc.hangup(callerId);
  });

  it('recent calls: each call with who, when, how long and what happened, newest first', async () => {
    const list = popup.getByRole('list', { name: 'Recent calls' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    const items = await list.getByRole('listitem').allTextContents();
    expect(items[0]).toContain('Erin Caller');
    expect(items[0]).toContain('Declined');
    expect(items[1]).toContain('Dana Caller');
    expect(items[1]).toMatch(/Answered/);
    expect(items[1]).toMatch(/ · \d+:\d{2} · /); // how long
    expect(items[2]).toContain(HOSTILE_NAME); // as text, never markup
    expect(await popup.locator('img').count()).toBe(0);
    await popup.screenshot({ path: 'artifacts/e2e/recent-calls.png', fullPage: true });
  });

  it('sign out unregisters: the server no longer lists the agent', async () => {
    await popup.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => popup.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await until('alice has no binding', async () => (await lab.locations(ALICE.user)).length === 0, 10_000);
    const stored = await (await agent.worker()).evaluate(() => chrome.storage.local.get(null));
    expect(stored.session).toBeUndefined();
    expect(JSON.stringify(stored)).not.toContain(ALICE.password);
  });

  it('without forwarding, Decline sends the caller to voicemail', async () => {
    await signIn(popup, lab.loginUrl, BOB.user, BOB.password);
    await expect.poll(() => popup.getByLabel('Signed in account').textContent()).toContain(BOB.name);
    // Signing out forgot the previous agent's calls.
    await expect.poll(() => popup.getByRole('region', { name: 'Recent calls' }).textContent()).toContain('No calls yet.');
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await ready();
    const placedAt = Date.now();
    const callerId = await lc.call(BOB.number, 'Frank Caller');
    await ringingCallId();
    await popup.getByRole('button', { name: 'Decline' }).click();
    const vm = await lc.waitFor('voicemail answers', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= placedAt);
    expect(vm.detail).toBe(BOB.user);
    await lc.waitFor('caller connected to voicemail', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
    await lc.hangup(callerId);
  });

  it('softphone off (still signed in): the next call goes to voicemail at once', async () => {
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await expect.poll(() => status().textContent()).toContain('Softphone is off');
    expect((await snapshot(agent)).login).toBe('signed-in');
    await until('bob has no binding', async () => (await lab.locations(BOB.user)).length === 0, 10_000);
    const placedAt = Date.now();
    const callerId = await lc.call(BOB.number, 'Gina Caller');
    const vm = await lc.waitFor('voicemail answers', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= placedAt);
    console.log(`softphone off: voicemail answered ${vm.t - placedAt} ms after the call was placed (ring timeout ${RING_TIMEOUT_SECONDS} s)`);
    expect(vm.t - placedAt).toBeLessThan(RING_TIMEOUT_SECONDS * 1000);
    expect((await snapshot(agent)).calls).toEqual([]);
    await lc.hangup(callerId);
  });

  it('sign out from the options page too: unregisters and forgets the credential', async () => {
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await ready();
    expect((await lab.locations(BOB.user)).length).toBe(1);
    const options = await agent.context.newPage();
    await options.goto(`${agent.origin}/options.html`);
    await options.getByRole('button', { name: 'Sign out' }).click();
    await until('bob has no binding', async () => (await lab.locations(BOB.user)).length === 0, 10_000);
    await expect.poll(() => popup.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    const stored = await (await agent.worker()).evaluate(() => chrome.storage.local.get(null));
    expect(stored.session).toBeUndefined();
    await options.close();
  });
});
