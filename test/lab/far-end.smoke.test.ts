/**
 * The far-end probes end-to-end tests read to judge in-call controls: the
 * lab console's caller must notice mute (audio level), hold (re-INVITE
 * direction), DTMF (SIP INFO and RFC 4733) and a blind transfer (REFER),
 * and the caller must hold several calls to one agent (call waiting). The
 * controls come from an agent-mode page (/console?agent=bob), which does
 * what the extension will do. Run inside a private network namespace:
 *   bash scripts/netns-run.sh npx vitest run --project lab
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DtmfTransport, FarEndPolicy } from '../../scripts/lab/console/api';
import { startLab, type Lab } from '../../scripts/lab/lab';
import { assertLoopbackOnly } from '../../scripts/lib/netns';
import { until } from '../../scripts/lib/until';
import {
  audioLevel,
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

const BOB = '+15550001002';
const COLLEAGUE = '+15550100002';

let lab: Lab;
let browser: Browser;
let peers: Page;
let agent: Page;

beforeAll(async () => {
  assertLoopbackOnly();
  lab = await startLab({ quiet: true, loginPort: 18787, sipWsPort: 18088, workDir: join(process.cwd(), '.lab', 'far-end') });
  browser = await launchChromium();
  [peers, agent] = await Promise.all([openConsole(browser, lab.consoleUrl), openConsole(browser, `${lab.consoleUrl}?agent=bob`)]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

afterEach(async () => {
  // Each test leaves no call behind and the caller's default behaviour on.
  await peers.evaluate(() => {
    const lab = (window as unknown as ConsoleWindow).lab;
    lab.setReinvitePolicy('accept');
    lab.setReferPolicy('accept');
    for (const call of lab.calls()) if (call.status !== 'ended') lab.hangup(call.id);
  });
  await agent.evaluate(() => {
    const lab = (window as unknown as AgentWindow).lab;
    for (const call of lab.calls()) if (call.status !== 'ended') lab.hangup(call.id);
  });
});

/** The caller calls bob's vPhone number and the agent page answers: [caller call id, agent call id]. */
async function connectedCall(): Promise<[string, string]> {
  const since = Date.now();
  const call = await placeCall(peers, BOB);
  const ringing = await waitForEvent(agent, { who: 'agent', type: 'incoming' }, since);
  expect(await agent.evaluate(() => (window as unknown as AgentWindow).lab.answer())).toBe(ringing.id);
  await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
  await waitForEvent(agent, { who: 'agent', type: 'confirmed', id: ringing.id }, since);
  return [call, ringing.id];
}

function setPolicies(reinvite: FarEndPolicy, refer: FarEndPolicy): Promise<void> {
  return peers.evaluate(
    ([re, rf]) => {
      const lab = (window as unknown as ConsoleWindow).lab;
      lab.setReinvitePolicy(re);
      lab.setReferPolicy(rf);
    },
    [reinvite, refer] as const,
  );
}

describe('far-end probes', { timeout: 30_000 }, () => {
  it('hears the agent, then silence while the agent is muted, with packets still flowing', async () => {
    const [call, agentCall] = await connectedCall();
    await peers.waitForTimeout(500); // past the jitter buffer's start
    const unmuted = await audioLevel(peers, call);
    await agent.evaluate((id) => (window as unknown as AgentWindow).lab.mute(id, true), agentCall);
    await peers.waitForTimeout(500); // what was already buffered plays out first
    const muted = await audioLevel(peers, call);
    await agent.evaluate((id) => (window as unknown as AgentWindow).lab.mute(id, false), agentCall);
    await peers.waitForTimeout(300);
    const unmutedAgain = await audioLevel(peers, call);
    console.info('caller-side audio level (RMS, 1.5 s windows)', { unmuted, muted, unmutedAgain });

    expect(unmuted.level).toBeGreaterThan(0.1);
    expect(unmuted.packetsReceived).toBeGreaterThan(50);
    expect(muted.level).toBeLessThan(0.01);
    expect(muted.packetsReceived).toBeGreaterThan(50);
    expect(muted.bytesReceived).toBeGreaterThan(0);
    expect(unmutedAgain.level).toBeGreaterThan(0.1);

    const stats = await peers.evaluate((id) => (window as unknown as ConsoleWindow).lab.stats(id), call);
    expect(stats.packetsReceived).toBeGreaterThan(100);
    expect(stats.packetsSent).toBeGreaterThan(100);
  });

  it('sees hold as a sendonly re-INVITE and resume as sendrecv', async () => {
    const [call, agentCall] = await connectedCall();
    const since = Date.now();
    expect(await agent.evaluate((id) => (window as unknown as AgentWindow).lab.hold(id, true), agentCall)).toBe(true);
    await waitForEvent(peers, { who: 'caller', type: 'hold', id: call }, since);
    expect(await eventsSince(peers, since, { type: 'reinvite', id: call })).toMatchObject([{ detail: 'sendonly' }]);
    const held = await audioLevel(peers, call, 1000);
    expect(held.level).toBeLessThan(0.01);

    const resumed = Date.now();
    // JsSIP refuses a new re-INVITE (returns false) until the hold's own transaction is over.
    await until('the agent resumes', () => agent.evaluate((id) => (window as unknown as AgentWindow).lab.hold(id, false), agentCall), 3000);
    await waitForEvent(peers, { who: 'caller', type: 'unhold', id: call }, resumed);
    expect(await eventsSince(peers, resumed, { type: 'reinvite', id: call })).toMatchObject([{ detail: 'sendrecv' }]);
    await hangup(peers, call);
  });

  it('refuses hold with 488 when told to', async () => {
    const [call, agentCall] = await connectedCall();
    await setPolicies('reject', 'accept');
    const since = Date.now();
    await agent.evaluate((id) => (window as unknown as AgentWindow).lab.hold(id, true), agentCall);
    expect(await waitForEvent(peers, { who: 'caller', type: 'reinvite', id: call }, since)).toMatchObject({ detail: 'sendonly', status: 488 });
    await peers.waitForTimeout(500);
    expect(await eventsSince(peers, since, { type: 'hold', id: call })).toEqual([]);
    // JsSIP's own hold() hangs up when its re-INVITE fails (the agent page's
    // behaviour, not the probe's): the caller's side of the call stays as it was until then.
    expect(await eventsSince(peers, since, { type: 'unhold', id: call })).toEqual([]);
  });

  it.each<[DtmfTransport, string]>([
    ['INFO', 'INFO'],
    ['RFC2833', 'RFC4733'],
  ])('receives DTMF sent as %s', async (sent, received) => {
    const [call, agentCall] = await connectedCall();
    const since = Date.now();
    await agent.evaluate(([id, how]) => (window as unknown as AgentWindow).lab.sendDtmf(id, '1#9*', how), [agentCall, sent] as const);
    await waitForEvent(peers, { who: 'caller', type: 'dtmf', id: call, detail: '*' }, since);
    const digits = await eventsSince(peers, since, { type: 'dtmf', id: call });
    expect(digits.map((event) => event.detail)).toEqual(['1', '#', '9', '*']);
    expect(new Set(digits.map((event) => event.transport))).toEqual(new Set([received]));
  });

  it.each([['sip:colleague@vphone.lab'], [COLLEAGUE]])('follows a blind transfer (REFER) to %s', async (target) => {
    const [call, agentCall] = await connectedCall();
    const since = Date.now();
    await agent.evaluate(([id, to]) => (window as unknown as AgentWindow).lab.refer(id, to), [agentCall, target] as const);
    const refer = await waitForEvent(peers, { who: 'caller', type: 'refer', id: call }, since);
    expect(refer).toMatchObject({ status: 202, detail: target.startsWith('sip:') ? target : `sip:${target}@vphone.lab` });
    const transfer = await waitForEvent(peers, { who: 'caller', type: 'transfer-call', detail: call }, since);
    const ringing = await waitForEvent(peers, { who: 'colleague', type: 'incoming' }, since);
    expect(ringing.detail).toBe('Lab Caller');
    expect(await waitForEvent(agent, { who: 'agent', type: 'refer-response', id: agentCall }, since)).toMatchObject({ status: 202 });
    expect(await peers.evaluate(() => (window as unknown as ConsoleWindow).lab.colleagueAnswer())).toBe(ringing.id);
    await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: transfer.id }, since);
    await waitForEvent(agent, { who: 'agent', type: 'refer-notify', id: agentCall, status: 200 }, since);
    await expectTwoWayAudio(peers, [transfer.id, ringing.id]);
    // The transferor hangs up its leg; the transferred call goes on.
    await agent.evaluate((id) => (window as unknown as AgentWindow).lab.hangup(id), agentCall);
    await waitForEvent(peers, { who: 'caller', type: 'ended', id: call }, since);
    const calls = await peers.evaluate(() => (window as unknown as ConsoleWindow).lab.calls());
    expect(calls.find((entry) => entry.id === transfer.id)).toMatchObject({ who: 'caller', incoming: false, status: 'in call' });
  });

  it('declines a REFER with 603 when told to', async () => {
    const [call, agentCall] = await connectedCall();
    await setPolicies('accept', 'reject');
    const since = Date.now();
    await agent.evaluate((id) => (window as unknown as AgentWindow).lab.refer(id, 'sip:colleague@vphone.lab'), agentCall);
    expect(await waitForEvent(agent, { who: 'agent', type: 'refer-response', id: agentCall }, since)).toMatchObject({ status: 603 });
    expect(await waitForEvent(peers, { who: 'caller', type: 'refer', id: call }, since)).toMatchObject({ status: 603 });
    await peers.waitForTimeout(300);
    expect(await eventsSince(peers, since, { type: 'transfer-call' })).toEqual([]);
    expect(await eventsSince(peers, since, { who: 'colleague', type: 'incoming' })).toEqual([]);
  });

  it('holds two calls to the same agent at once (call waiting)', async () => {
    const [first, firstAgent] = await connectedCall();
    const since = Date.now();
    const second = await placeCall(peers, BOB);
    const waiting = await waitForEvent(agent, { who: 'agent', type: 'incoming' }, since);
    await waitForEvent(peers, { who: 'caller', type: 'ringing', id: second }, since);
    expect(waiting.id).not.toBe(firstAgent);
    expect(await agent.evaluate(() => (window as unknown as AgentWindow).lab.answer())).toBe(waiting.id);
    await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: second }, since);
    const active = (await peers.evaluate(() => (window as unknown as ConsoleWindow).lab.calls())).filter((c) => c.status === 'in call');
    expect(active.map((c) => c.id).sort()).toEqual([first, second].sort());
    await expectTwoWayAudio(peers, [first, second]);
  });
});

describe('routing to lab users', { timeout: 30_000 }, () => {
  it('rings the colleague by number, and a registered user by SIP URI without vPhone rules', async () => {
    const since = Date.now();
    const call = await placeCall(peers, COLLEAGUE);
    const ringing = await waitForEvent(peers, { who: 'colleague', type: 'incoming' }, since);
    await peers.evaluate(() => (window as unknown as ConsoleWindow).lab.colleagueAnswer());
    await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
    await hangup(peers, call);
    await waitForEvent(peers, { who: 'colleague', type: 'ended', id: ringing.id }, since);

    // bob's vPhone number would go to voicemail after a decline; his SIP URI just fails.
    const direct = Date.now();
    const toBob = await placeCall(peers, 'sip:bob@vphone.lab');
    await waitForEvent(agent, { who: 'agent', type: 'incoming' }, direct);
    await agent.evaluate(() => (window as unknown as AgentWindow).lab.decline());
    expect(await waitForEvent(peers, { who: 'caller', type: 'failed', id: toBob }, direct)).toMatchObject({ status: 486 });
    expect(await eventsSince(peers, direct, { who: 'voicemail', type: 'answered' })).toEqual([]);

    const nobody = await placeCall(peers, 'sip:nobody@vphone.lab');
    expect(await waitForEvent(peers, { who: 'caller', type: 'failed', id: nobody }, direct)).toMatchObject({ status: 404 });
  });
});
