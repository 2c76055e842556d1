/**
 * Interop with a SIP phone nobody here wrote: baresip over UDP, bridged to
 * the browser's WebRTC (ICE, DTLS-SRTP, rtcp-mux) by rtpengine through
 * Kamailio. The JsSIP side is the agent page (/console?agent=alice&rfc4733=1)
 * or the console's caller. Run inside a private network namespace:
 *   bash scripts/netns-run.sh npx vitest run --project lab
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baresip } from '../../scripts/lab/baresip';
import { startLab, type Lab } from '../../scripts/lab/lab';
import { assertLoopbackOnly } from '../../scripts/lib/netns';
import { until } from '../../scripts/lib/until';
import { audioLevel, eventsSince, expectTwoWayAudio, launchChromium, openConsole, placeCall, waitForEvent, type AgentWindow, type ConsoleWindow } from './console-driver';

const ALICE = '+15550001001';
const DESKPHONE = '+15550100003';

let lab: Lab;
let browser: Browser;
let agent: Page;
let phone: Baresip;

beforeAll(async () => {
  assertLoopbackOnly();
  lab = await startLab({ quiet: true, loginPort: 18787, sipWsPort: 18088, workDir: join(process.cwd(), '.lab', 'deskphone') });
  // No forwarding: alice's number rings her agent page alone.
  await lab.setRouting('alice', { forwardingEnabled: false });
  browser = await launchChromium();
  agent = await openConsole(browser, `${lab.consoleUrl}?agent=alice&rfc4733=1`);
  phone = await lab.startDeskphone();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

/** baresip calls `target`, the agent page answers: the agent's call id. */
async function deskphoneCallsAgent(target: string): Promise<string> {
  const since = Date.now();
  await phone.dial(target);
  const ringing = await waitForEvent(agent, { who: 'agent', type: 'incoming' }, since);
  expect(ringing.detail).toBe('Desk Phone');
  await agent.evaluate(() => (window as unknown as AgentWindow).lab.answer());
  await phone.waitFor('CALL_ESTABLISHED', { since });
  await waitForEvent(agent, { who: 'agent', type: 'confirmed', id: ringing.id }, since);
  return ringing.id;
}

/** baresip's own view of its audio stream ("audio dir=sendrecv", RTCP counters). */
async function deskphoneAudio(): Promise<{ direction: string; packetsSent: number; packetsReceived: number }> {
  const text = await phone.command('audio_debug');
  return {
    direction: /audio dir=(\w+)/.exec(text)?.[1] ?? '',
    packetsSent: Number(/TX: packets=(\d+)/.exec(text)?.[1] ?? 0),
    packetsReceived: Number(/rcvd=(\d+)/.exec(text)?.[1] ?? 0),
  };
}

describe('baresip desk phone', { timeout: 40_000 }, () => {
  it('registers over UDP with an auth_ephemeral credential', async () => {
    expect(await lab.locations('deskphone')).toEqual([expect.stringMatching(/^sip:deskphone.*@127\.0\.0\.1:\d+$/)]);
  });

  it('calls the agent: two-way audio, DTMF both ways, hold seen by the phone, the agent hangs up', async () => {
    const call = await deskphoneCallsAgent(ALICE);
    await agent.waitForTimeout(700);
    const heard = await audioLevel(agent, call);
    const stats = await agent.evaluate((id) => (window as unknown as AgentWindow).lab.stats(id), call);
    console.info('agent hears the desk phone (ausine 440 Hz through rtpengine)', heard, stats);
    expect(heard.level).toBeGreaterThan(0.05);
    expect(stats.bytesSent).toBeGreaterThan(1000);
    expect(stats.bytesReceived).toBeGreaterThan(1000);
    const deskphone = await deskphoneAudio();
    expect(deskphone.direction).toBe('sendrecv');
    expect(deskphone.packetsSent).toBeGreaterThan(20);
    expect(deskphone.packetsReceived).toBeGreaterThan(20);

    // JsSIP → baresip, RTP telephone-events (RFC 4733): baresip decodes them.
    let since = Date.now();
    await agent.evaluate((id) => (window as unknown as AgentWindow).lab.sendDtmf(id, '5#', 'RFC2833'), call);
    await phone.waitFor('CALL_DTMF_START', { since, match: { param: '5' } });
    await phone.waitFor('CALL_DTMF_START', { since, match: { param: '#' } });

    // baresip → JsSIP, RFC 4733 again: the agent's encoded-frame tap decodes them.
    since = Date.now();
    await phone.sendDigit('7');
    await waitForEvent(agent, { who: 'agent', type: 'dtmf', id: call, detail: '7', transport: 'RFC4733' }, since);
    await agent.waitForTimeout(300);
    expect(await eventsSince(agent, since, { type: 'dtmf', id: call })).toHaveLength(1);

    // Hold from the browser: baresip gets a sendonly offer and stops sending.
    since = Date.now();
    expect(await agent.evaluate((id) => (window as unknown as AgentWindow).lab.hold(id, true), call)).toBe(true);
    await phone.waitFor('CALL_REMOTE_SDP', { since, match: { param: 'offer' } });
    await until('baresip on hold (recvonly)', async () => (await deskphoneAudio()).direction === 'recvonly', 3000);
    since = Date.now();
    // JsSIP refuses a new re-INVITE (returns false) until the hold's own transaction is over.
    await until('the agent resumes', () => agent.evaluate((id) => (window as unknown as AgentWindow).lab.hold(id, false), call), 3000);
    await phone.waitFor('CALL_REMOTE_SDP', { since, match: { param: 'offer' } });
    await until('baresip resumed (sendrecv)', async () => (await deskphoneAudio()).direction === 'sendrecv', 3000);

    since = Date.now();
    await agent.evaluate((id) => (window as unknown as AgentWindow).lab.hangup(id), call);
    await phone.waitFor('CALL_CLOSED', { since });
  });

  it('calls the agent by SIP URI and hangs up itself', async () => {
    const call = await deskphoneCallsAgent('sip:alice@vphone.lab');
    const since = Date.now();
    await phone.hangup();
    await waitForEvent(agent, { who: 'agent', type: 'ended', id: call, detail: 'remote' }, since);
  });

  it('is called by the console caller (WebRTC offer to a SIP phone)', async () => {
    const peers = await openConsole(browser, lab.consoleUrl);
    try {
      const since = Date.now();
      const call = await placeCall(peers, DESKPHONE);
      await phone.waitFor('CALL_INCOMING', { since });
      await phone.accept();
      await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
      await expectTwoWayAudio(peers, [call]);
      expect((await audioLevel(peers, call, 1000)).level).toBeGreaterThan(0.05);
      await peers.evaluate((id) => (window as unknown as ConsoleWindow).lab.hangup(id), call);
      await phone.waitFor('CALL_CLOSED', { since });
    } finally {
      await peers.close();
    }
  });
});
