/**
 * Never silently unreachable: faults injected into the real lab. For each one
 * the extension notices, says so, recovers, and a call placed afterwards rings
 * and is answered with audio. The periods are shortened through the
 * extension's `tuning` setting so this runs in seconds; defaults stay
 * production values. Each test prints the time from fault to registered-again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { callStats, grantMicrophone, LabConsole, launchAgent, notifications, signIn, snapshot, until, type Agent, startTestLab } from './harness';

const ALICE = { user: 'alice', password: 'alice-password', number: '+15550001001' };
const TUNING = { refreshSeconds: 3, registerDeadlineMs: 2000, connectTimeoutMs: 2000, watchdogMinutes: 0.1, graceSeconds: 2 };

let lab: Lab;
let agent: Agent;
let lc: LabConsole;
let popup: Page;

const registered = async () => (await snapshot(agent)).registration === 'registered' && (await lab.locations(ALICE.user)).length > 0;

async function timeToRegistered(what: string, timeoutMs = 30_000): Promise<number> {
  const start = Date.now();
  await until(`registered again after ${what}`, registered, timeoutMs, 50);
  const ms = Date.now() - start;
  console.log(`${what}: registered again after ${ms} ms`);
  return ms;
}

/** A call placed now rings in the extension and is answered with audio both ways. */
async function callRingsAndIsAnswered(label: string): Promise<void> {
  const callerId = await lc.call(ALICE.number, label);
  await until('ringing in the extension', async () => (await snapshot(agent)).calls[0]?.phase === 'ringing');
  await popup.getByRole('button', { name: 'Answer' }).click();
  await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
  await until('audio both ways', async () => {
    const s = await callStats(agent);
    return s && s.bytesSent > 0 && s.bytesReceived > 0;
  });
  await lc.hangup(callerId);
  await until('call over', async () => (await snapshot(agent)).calls.length === 0);
}

async function exactlyOneBinding(): Promise<void> {
  await until('exactly one binding for the agent', async () => (await lab.locations(ALICE.user)).length === 1, 10_000);
  expect(await lab.locations(ALICE.user)).toHaveLength(1);
}

beforeAll(async () => {
  lab = await startTestLab('recovery');
  // Nothing else may answer for the agent: the fork must reach the extension only.
  await lab.setRouting(ALICE.user, { forwardingEnabled: false });
  agent = await launchAgent();
  popup = agent.popup;
  await (await agent.worker()).evaluate((t) => chrome.storage.local.set({ tuning: t }), TUNING);
  await grantMicrophone(agent, agent.origin);
  lc = await LabConsole.open(agent, lab.consoleUrl);
  await signIn(popup, lab.loginUrl, ALICE.user, ALICE.password);
  await popup.getByRole('switch', { name: 'Softphone' }).click();
  await until('registered', registered);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('the extension notices faults, says so and recovers', () => {
  it('1. binding removed on the server while the socket stays open (silent expiry)', async () => {
    await lab.dropBinding(ALICE.user);
    expect(await lab.locations(ALICE.user)).toEqual([]);
    const ms = await timeToRegistered('binding dropped');
    expect(ms).toBeLessThan(30_000);
    await callRingsAndIsAnswered('After silent expiry');
  });

  it('2. Kamailio restarted', async () => {
    await lab.restartKamailio();
    await timeToRegistered('server restarted');
    await lc.reload();
    await callRingsAndIsAnswered('After restart');
  });

  it('3. Kamailio down longer than the grace period: "cannot receive calls", then "ringing again"', async () => {
    await lab.stopKamailio();
    try {
      const down = await until('the agent is told', async () => (await notifications(agent)).connection, 20_000);
      expect(down.title).toBe('You cannot receive calls here');
      expect(down.message).toMatch(/connection to the phone server|did not accept/i);
      expect(down.requireInteraction).toBe(true);
      await expect.poll(() => popup.getByRole('status').textContent()).not.toContain('Ready to receive calls');
    } finally {
      await lab.startKamailio();
    }
    await timeToRegistered('server back after a long outage');
    const back = await until('the agent is told calls ring again', async () => (await notifications(agent))['connection-ok'], 10_000);
    expect(back.title).toBe('Calls ring here again');
    expect((await notifications(agent)).connection).toBeUndefined();
    await lc.reload();
    await callRingsAndIsAnswered('After outage');
  });

  it('4a. service worker terminated while registered: the next call still rings', async () => {
    const cdp = await agent.context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await callRingsAndIsAnswered('After worker stop');
    expect((await snapshot(agent)).registration).toBe('registered');
    await exactlyOneBinding();
  });

  it('4b. service worker terminated while a call rings: not missed, answered after wake', async () => {
    const callerId = await lc.call(ALICE.number, 'Ringing through a worker stop');
    await until('ringing', async () => (await snapshot(agent)).calls[0]?.phase === 'ringing');
    const cdp = await agent.context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const s = await snapshot(agent); // wakes the worker, which resyncs from the engine
    expect(s.calls[0]?.phase).toBe('ringing');
    await popup.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
    await lc.hangup(callerId);
    await until('call over', async () => (await snapshot(agent)).calls.length === 0);
    await exactlyOneBinding();
  });

  it('5. offscreen document closed: recreated and registered again, one binding', async () => {
    const closedAt = Date.now();
    await (await agent.worker()).evaluate(() => chrome.offscreen.closeDocument());
    // Noticed by the worker itself (the engine's liveness port), not by a page asking nor the minute's watchdog.
    await until(
      'the worker recreates the document by itself',
      async () => (await (await agent.worker()).evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] })).length)) === 1,
      5000,
    );
    console.log(`offscreen document closed: recreated by the worker after ${Date.now() - closedAt} ms`);
    await timeToRegistered('offscreen document closed');
    await exactlyOneBinding();
    await callRingsAndIsAnswered('After document recreation');
  });

  it('6a. silently dead link (Kamailio frozen, socket open): noticed by the REGISTER deadline', async () => {
    await lab.freezeKamailio();
    try {
      await until('the phone notices', async () => (await snapshot(agent)).registration !== 'registered', 20_000);
    } finally {
      await lab.thawKamailio();
    }
    await timeToRegistered('server frozen then thawed');
    await exactlyOneBinding();
    await lc.reload();
    await callRingsAndIsAnswered('After freeze');
  });

  it('6b. Kamailio killed (SIGKILL)', async () => {
    await lab.killKamailio();
    await until('the phone notices', async () => (await snapshot(agent)).registration !== 'registered', 20_000);
    await lab.startKamailio();
    await timeToRegistered('server killed and started');
    await exactlyOneBinding();
    await lc.reload();
    await callRingsAndIsAnswered('After kill');
  });

  it('7. a call in progress survives a dropped binding and failing refreshes; recovery follows', async () => {
    const callerId = await lc.call(ALICE.number, 'Long call');
    await until('ringing', async () => (await snapshot(agent)).calls[0]?.phase === 'ringing');
    await popup.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
    const before = await until('audio', async () => callStats(agent));
    await lab.dropBinding(ALICE.user);
    await lab.freezeKamailio();
    await new Promise((r) => setTimeout(r, (TUNING.refreshSeconds * 2 + 3) * 1000));
    await lab.thawKamailio();
    const during = await callStats(agent);
    expect((await snapshot(agent)).calls[0]?.phase).toBe('active');
    expect(during?.bytesReceived).toBeGreaterThan(before.bytesReceived);
    expect((await lc.events()).some((e) => e.who === 'caller' && e.id === callerId && (e.type === 'ended' || e.type === 'failed'))).toBe(false);
    await lc.hangup(callerId);
    await until('call over', async () => (await snapshot(agent)).calls.length === 0);
    await timeToRegistered('binding dropped during a call');
    await exactlyOneBinding();
  });
});
