/**
 * Session lifetime (rule R10) end to end: the SIP server refuses the expired
 * credential, the extension says so at the first failed refresh, drops its
 * binding so calls follow the routing rules, and signing in again restores the
 * softphone the agent had switched on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../scripts/lab/lab';
import { grantMicrophone, LabConsole, launchAgent, notifications, signIn, snapshot, until, type Agent, startTestLab } from './harness';

const ALICE = { user: 'alice', password: 'alice-password', number: '+15550001001' };
const LIFETIME_SECONDS = 6;

let lab: Lab;
let agent: Agent;
let lc: LabConsole;

beforeAll(async () => {
  lab = await startTestLab('session');
  await lab.setRouting(ALICE.user, { forwardingEnabled: false });
  agent = await launchAgent();
  await (await agent.worker()).evaluate(() =>
    chrome.storage.local.set({ tuning: { refreshSeconds: 2, registerDeadlineMs: 2000, connectTimeoutMs: 2000, watchdogMinutes: 0.1, graceSeconds: 2 } }),
  );
  await grantMicrophone(agent, agent.origin);
  lc = await LabConsole.open(agent, lab.consoleUrl);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('session expiry', () => {
  it('is told at the first refused refresh: notification, red badge, prefilled sign-in, binding gone, voicemail at once', async () => {
    // Only the agent's login is short: the console's peers signed in before this.
    await lab.setSessionLifetime(LIFETIME_SECONDS);
    const popup = agent.popup;
    await signIn(popup, lab.loginUrl, ALICE.user, ALICE.password);
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await until('registered', async () => (await snapshot(agent)).registration === 'registered');
    const signedInAt = Date.now();

    await until('session expired', async () => (await snapshot(agent)).registration === 'session-expired', (LIFETIME_SECONDS + 15) * 1000);
    console.log(`session expired ${Date.now() - signedInAt} ms after sign-in (lifetime ${LIFETIME_SECONDS} s)`);
    const note = await until('the session notification', async () => (await notifications(agent)).session, 5000);
    expect(note).toMatchObject({ title: 'Your session expired', buttons: ['Sign in'], requireInteraction: true });
    const badge = await (await agent.worker()).evaluate(() => chrome.action.getBadgeText({}));
    expect(badge).toBe('!');
    await expect.poll(() => popup.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await popup.getByRole('textbox', { name: 'Username' }).inputValue()).toBe(ALICE.user);
    expect(await popup.getByRole('textbox', { name: 'Server' }).inputValue()).toBe(lab.loginUrl);
    expect(await popup.textContent('body')).toContain('Your session expired');
    // Alice's forwarding is off for this test: the popup says where calls go meanwhile.
    expect(await popup.getByRole('status').first().textContent()).toContain('Calls go straight to voicemail meanwhile.');
    await until('the server dropped the binding', async () => (await lab.locations(ALICE.user)).length === 0, 10_000);

    const placedAt = Date.now();
    const callerId = await lc.call(ALICE.number, 'During expiry');
    const vm = await lc.waitFor('voicemail', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= placedAt);
    expect(vm.detail).toBe(ALICE.user);
    expect((await snapshot(agent)).calls).toEqual([]);
    await lc.hangup(callerId);
  });

  it('signing in again brings the softphone back on with no extra click, and calls ring', async () => {
    // Two minutes: long enough for these steps, short enough to be inside the warning window.
    await lab.setSessionLifetime(120);
    const popup = agent.popup;
    await popup.getByLabel('Password').fill(ALICE.password);
    await popup.getByRole('button', { name: 'Sign in' }).click();
    await until('registered again', async () => (await snapshot(agent)).registration === 'registered', 15_000);
    expect(await popup.getByRole('switch', { name: 'Softphone' }).getAttribute('aria-checked')).toBe('true');
    expect((await notifications(agent)).session).toBeUndefined();
    await lc.call(ALICE.number, 'After re-login');
    await until('rings', async () => (await snapshot(agent)).calls[0]?.phase === 'ringing');
    await popup.getByRole('button', { name: 'Decline' }).click();
    await until('call over', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('warned ahead of expiry, the agent renews during a call: same call, same registration', async () => {
    const popup = agent.popup;
    const warning = await until('the warning notification', async () => (await notifications(agent))['session-warning'], 15_000);
    expect(warning.buttons).toEqual(['Stay signed in']);
    const form = popup.getByRole('form', { name: 'Stay signed in' });
    await expect.poll(() => form.isVisible()).toBe(true);

    const callerId = await lc.call(ALICE.number, 'Renewal call');
    await until('rings', async () => (await snapshot(agent)).calls[0]?.phase === 'ringing');
    await popup.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
    const before = (await snapshot(agent)).sessionExpiresAt;

    await lab.setSessionLifetime(3600);
    await form.getByLabel('Password').fill(ALICE.password);
    await form.getByRole('button', { name: 'Stay signed in' }).click();
    await until('a new expiry', async () => (await snapshot(agent)).sessionExpiresAt !== before);
    await expect.poll(() => form.isVisible()).toBe(false);
    const s = await snapshot(agent);
    expect(s.calls[0]?.phase).toBe('active');
    expect(s.registration).toBe('registered');
    expect((await lc.events()).some((e) => e.who === 'caller' && e.id === callerId && (e.type === 'ended' || e.type === 'failed'))).toBe(false);
    expect(await lab.locations(ALICE.user)).toHaveLength(1);
    await lc.hangup(callerId);
  });
});
