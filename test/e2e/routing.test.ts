/**
 * Inbound routing in the agent's hands, end to end: the options page changes
 * the provider's routing (through its API, with the login's bearer token),
 * Kamailio applies it to the very next call, and the popup's summary follows.
 * Each rule checked with real calls: R2 (both ring), R3 (the forwarded leg
 * takes the call only by accepting), R4 (voicemail after the ring timeout),
 * R5 (voicemail at once), R6 (the vPhone number refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { readyAgent, snapshot, startTestLab, until, type Agent, type LabConsole } from './harness';

const ALICE = { user: 'alice', password: 'alice-password', name: 'Alice Agent', number: '+15550001001' };
const CELL = '+15550109001';
const RING_TIMEOUT_SECONDS = 6;

let lab: Lab;
let agent: Agent;
let lc: LabConsole;
let popup: Page;
let options: Page;

const routingSummary = async () => (await popup.getByRole('region', { name: 'Routing' }).textContent()) ?? '';
type LabAccount = { user: string; routing: { forwardingNumber: string | null; forwardingEnabled: boolean; voicemailEnabled: boolean } };
const labRouting = async () => {
  const body = (await (await fetch(`${lab.loginUrl}/lab/accounts`)).json()) as LabAccount[] | { accounts: LabAccount[] };
  return (Array.isArray(body) ? body : body.accounts).find((a) => a.user === ALICE.user)?.routing;
};

async function saveRouting(number: string, forward: boolean, voicemail = true): Promise<void> {
  await options.getByRole('textbox', { name: 'Forwarding number' }).fill(number);
  const set = async (name: string, on: boolean) => {
    const sw = options.getByRole('switch', { name });
    if ((await sw.getAttribute('aria-checked')) !== String(on)) await sw.click();
  };
  await set('Forward calls', forward);
  await set('Voicemail', voicemail);
  await options.getByRole('button', { name: 'Save routing' }).click();
}

beforeAll(async () => {
  lab = await startTestLab('routing', { ringTimeoutSeconds: RING_TIMEOUT_SECONDS });
  ({ agent, popup, lc } = await readyAgent(lab, ALICE));
  options = await agent.context.newPage();
  await options.goto(`${agent.origin}/options.html`);
  await until('routing shown', async () => (await options.getByRole('textbox', { name: 'Forwarding number' }).inputValue()) === CELL);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('inbound routing', () => {
  it('the options page shows the provider routing, read-only timeout, and the caution', async () => {
    expect(await options.getByRole('switch', { name: 'Forward calls' }).getAttribute('aria-checked')).toBe('true');
    expect(await options.getByRole('switch', { name: 'Voicemail' }).getAttribute('aria-checked')).toBe('true');
    expect(await options.textContent('body')).toContain(`Voicemail answers after ${RING_TIMEOUT_SECONDS} s`);
    expect(await options.textContent('body')).toContain('Local ID callback');
    expect(await routingSummary()).toContain(`Calls also ring ${CELL}.`);
    await options.screenshot({ path: 'artifacts/e2e/routing-options.png', fullPage: true });
  });

  it('R6: the vPhone number itself is refused, next to the field, and nothing changes', async () => {
    await saveRouting('(555) 000-1001', true);
    await expect.poll(() => options.locator('#forwarding-error').textContent()).toContain('That is your vPhone number itself');
    expect(await options.getByRole('alert').first().textContent()).toContain('calls would loop');
    expect((await labRouting())?.forwardingNumber).toBe(CELL);
  });

  it('a number that is not one is refused in plain words', async () => {
    await saveRouting('12ab', true);
    await expect.poll(() => options.locator('#forwarding-error').textContent()).toContain('Enter the number with its country code');
    await options.screenshot({ path: 'artifacts/e2e/routing-error.png', fullPage: true });
    expect((await labRouting())?.forwardingNumber).toBe(CELL);
  });

  it('R2: forwarding on to a number typed as agents type it; both ring at once', async () => {
    await saveRouting('(555) 010-9001', true);
    await expect.poll(() => options.locator('#routing-status').textContent()).toContain('Saved');
    expect(await labRouting()).toMatchObject({ forwardingNumber: CELL, forwardingEnabled: true });
    const since = Date.now();
    const callerId = await lc.call(ALICE.number, 'Routing R2');
    await until('rings here', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
    await lc.waitFor('the cell rings too', (e) => e.who === 'cell' && e.type === 'incoming' && e.t >= since);
    await lc.hangup(callerId);
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('R3: the forwarding phone takes the call only by accepting (press 1): this phone stops ringing, "Answered elsewhere"', async () => {
    await lab.setCellMode('press-1');
    try {
      const missedBefore = (await snapshot(agent)).missed.count;
      const since = Date.now();
      const callerId = await lc.call(ALICE.number, 'Routing R3 accepted');
      await until('rings here', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
      await lc.waitFor('the caller is connected to the cell', (e) => e.id === callerId && e.type === 'confirmed', 10_000);
      expect((await lc.events()).some((e) => e.who === 'cell' && e.type === 'picked-up' && e.t >= since)).toBe(true);
      await until('stopped ringing here', async () => (await snapshot(agent)).calls.length === 0, 5000);
      expect((await snapshot(agent)).lastCall?.endReason).toBe('answered-elsewhere');
      expect((await snapshot(agent)).missed.count, 'answered elsewhere is not a missed call').toBe(missedBefore);
      await lc.hangup(callerId);
    } finally {
      await lab.setCellMode('ring');
    }
  });

  it('R3: a forwarding phone that picks up without accepting (its own voicemail) does not take the call: vPhone voicemail records it', async () => {
    await lab.setCellMode('answer-at-once');
    await lab.clearVoicemail(ALICE.user);
    try {
      const since = Date.now();
      const callerId = await lc.call(ALICE.number, 'Routing R3 machine');
      await until('rings here', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
      await lc.waitFor('the cell picked up (no key press)', (e) => e.who === 'cell' && e.type === 'picked-up' && e.t >= since, 5000);
      // Still ringing here after the pick-up: the cell did not take it.
      expect((await snapshot(agent)).calls.some((c) => c.phase === 'ringing')).toBe(true);
      const vm = await lc.waitFor('vPhone voicemail at the ring timeout', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= since, 20_000);
      expect(vm.t - since).toBeGreaterThanOrEqual((RING_TIMEOUT_SECONDS - 1) * 1000);
      await popup.waitForTimeout(3500); // The caller leaves a message after the greeting.
      await lc.hangup(callerId);
      await until('the message is in vPhone voicemail', async () => (await lab.voicemailMessages(ALICE.user)).length === 1, 15_000);
    } finally {
      await lab.setCellMode('ring');
    }
  });

  it('R4: forwarding off: only this phone rings, then voicemail at the ring timeout; the popup follows at once', async () => {
    await saveRouting(CELL, false);
    await expect.poll(() => routingSummary()).toContain('No forwarding phone.');
    const since = Date.now();
    const callerId = await lc.call(ALICE.number, 'Routing R4');
    await until('rings here', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
    const vm = await lc.waitFor('voicemail after the timeout', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= since, 20_000);
    expect(vm.t - since).toBeGreaterThanOrEqual((RING_TIMEOUT_SECONDS - 1) * 1000);
    expect((await lc.events()).filter((e) => e.who === 'cell' && e.type === 'incoming' && e.t >= since)).toEqual([]);
    await lc.hangup(callerId);
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('R5: softphone off and forwarding off: the popup warns, and voicemail answers at once', async () => {
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await expect.poll(() => routingSummary()).toContain('Calls go straight to voicemail.');
    await popup.screenshot({ path: 'artifacts/e2e/routing-popup-warning.png', fullPage: true });
    await until('no binding', async () => (await lab.locations(ALICE.user)).length === 0, 10_000);
    const since = Date.now();
    const callerId = await lc.call(ALICE.number, 'Routing R5');
    const vm = await lc.waitFor('voicemail at once', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= since);
    expect(vm.t - since).toBeLessThan(RING_TIMEOUT_SECONDS * 1000);
    await lc.hangup(callerId);
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await until('ready', async () => (await snapshot(agent)).registration === 'registered');
  });

  it('a change made on the website shows up when the popup opens', async () => {
    await lab.setRouting(ALICE.user, { forwardingNumber: '+15550100002', forwardingEnabled: true });
    await popup.reload();
    await expect.poll(() => routingSummary()).toContain('Calls also ring +15550100002.');
  });
});
