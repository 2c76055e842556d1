/**
 * The 2-edge lab (README: "The 2-edge lab"): two Kamailio nodes sharing
 * registrations with DMQ (dmq_usrloc), each delivering calls for the
 * bindings whose connection it holds. The console's phones connect to edge 1
 * (`?edge=1`), the agent page to edge 0, the desk phone (UDP) to edge 0, so
 * every call below crosses from one edge to the other. Run inside a private
 * network namespace:
 *   bash scripts/netns-run.sh npx vitest run --project lab test/lab/multi-edge.smoke.test.ts
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
const BOB = '+15550001002';
const DESKPHONE = '+15550100003';
/** Its own ports and work dir: it may run beside the other lab tests' labs (18088) and the e2e tests' (8088). */
const LAB = { loginPort: 19787, sipWsPort: 19088 } as const;

let lab: Lab;
let browser: Browser;
/** The console's phones, on edge 1. */
let peers: Page;
/** alice's agent page, on edge 0. */
let alice: Page;
let phone: Baresip;

beforeAll(async () => {
  assertLoopbackOnly();
  lab = await startLab({ ...LAB, edges: 2, quiet: true, workDir: join(process.cwd(), '.lab', `multi-edge-smoke-${process.pid}`) });
  // No forwarding: a vPhone number rings its agent page alone.
  await lab.setRouting('alice', { forwardingEnabled: false });
  await lab.setRouting('bob', { forwardingEnabled: false });
  browser = await launchChromium();
  peers = await openConsole(browser, `${lab.consoleUrl}?edge=1`);
  alice = await openConsole(browser, `${lab.consoleUrl}?agent=alice`);
  phone = await lab.startDeskphone();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

const agentApi = (page: Page) => ({
  answer: () => page.evaluate(() => (window as unknown as AgentWindow).lab.answer()),
  hold: (id: string, on: boolean) => page.evaluate(([callId, hold]) => (window as unknown as AgentWindow).lab.hold(callId, hold), [id, on] as const),
  hangup: (id: string) => page.evaluate((callId) => (window as unknown as AgentWindow).lab.hangup(callId), id),
});

/** Each edge lists `user`'s binding, held by edge `holder`. */
async function listedEverywhere(user: string, holder: number, timeoutMs = 5000): Promise<void> {
  await until(
    `${user}'s binding, held by edge ${holder}, on every edge`,
    async () => {
      for (let edge = 0; edge < lab.edges; edge += 1) {
        const bindings = await lab.bindingsOn(edge, user);
        if (bindings.length !== 1 || bindings[0]?.heldBy !== holder) return false;
      }
      return true;
    },
    timeoutMs,
  );
}

/** baresip's own view of its audio stream (see deskphone.smoke.test.ts). */
async function deskphoneAudio(): Promise<{ direction: string; packetsSent: number; packetsReceived: number }> {
  const text = await phone.command('audio_debug');
  return {
    direction: /audio dir=(\w+)/.exec(text)?.[1] ?? '',
    packetsSent: Number(/TX: packets=(\d+)/.exec(text)?.[1] ?? 0),
    packetsReceived: Number(/rcvd=(\d+)/.exec(text)?.[1] ?? 0),
  };
}

describe('two edges sharing registrations (DMQ)', { timeout: 60_000 }, () => {
  it('the login lists both edges, the primary first', async () => {
    expect(lab.wsUris).toEqual([`ws://127.0.0.1:${LAB.sipWsPort}`, `ws://127.0.0.1:${LAB.sipWsPort + 10}`]);
    const response = await fetch(`${lab.loginUrl}/v1/softphone/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { sip: { wsUris: string[] } }).sip.wsUris).toEqual(lab.wsUris);
  });

  it('a binding registered on one edge is listed on the other, with the edge that holds its connection', async () => {
    await listedEverywhere('alice', 0);
    await listedEverywhere('caller', 1);
    await listedEverywhere('deskphone', 0);
    expect(await lab.edgeOf('alice')).toBe(0);
    expect(await lab.edgeOf('caller')).toBe(1);
    expect(await lab.locationsOn(1, 'alice')).toEqual(await lab.locationsOn(0, 'alice'));
    const [binding] = await lab.bindingsOn(1, 'alice');
    expect(binding?.received).toMatch(/^sip:127\.0\.0\.1:\d+;transport=ws;edge=0$/);
  });

  it('a call placed via edge 1 reaches the agent connected to edge 0: audio both ways, hold and hang-up cross too', async () => {
    const since = Date.now();
    const call = await placeCall(peers, ALICE, 'Across edges');
    const ringing = await waitForEvent(alice, { who: 'agent', type: 'incoming' }, since);
    expect(ringing.detail).toBe('Across edges');
    await agentApi(alice).answer();
    await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
    await expectTwoWayAudio(peers, [call]);
    expect((await audioLevel(peers, call)).level).toBeGreaterThan(0.05);
    expect((await audioLevel(alice, ringing.id)).level).toBeGreaterThan(0.05);

    // In-dialog requests follow the Record-Route through both edges.
    let mark = Date.now();
    expect(await agentApi(alice).hold(ringing.id, true)).toBe(true);
    await waitForEvent(peers, { who: 'caller', type: 'hold', id: call }, mark);
    mark = Date.now();
    await until('the agent resumes', () => agentApi(alice).hold(ringing.id, false), 3000);
    await waitForEvent(peers, { who: 'caller', type: 'unhold', id: call }, mark);
    expect((await audioLevel(peers, call)).level).toBeGreaterThan(0.05);

    mark = Date.now();
    await peers.evaluate((id) => (window as unknown as ConsoleWindow).lab.hangup(id), call);
    await waitForEvent(alice, { who: 'agent', type: 'ended', id: ringing.id }, mark);
  });

  it('the desk phone (UDP, edge 0) calls the colleague (WebRTC, edge 1): edge 1 bridges the media, hold crosses both edges', async () => {
    const since = Date.now();
    await phone.dial('sip:colleague@vphone.lab');
    const ringing = await waitForEvent(peers, { who: 'colleague', type: 'incoming' }, since);
    expect(await peers.evaluate(() => (window as unknown as ConsoleWindow).lab.colleagueAnswer())).toBe(ringing.id);
    await phone.waitFor('CALL_ESTABLISHED', { since });
    await peers.waitForTimeout(700);
    const heard = await audioLevel(peers, ringing.id);
    console.info('the colleague hears the desk phone across edges', heard);
    expect(heard.level).toBeGreaterThan(0.05);
    const before = await deskphoneAudio();
    expect(before.direction).toBe('sendrecv');
    expect(before.packetsReceived).toBeGreaterThan(20);

    // The phone's re-INVITEs go edge 0 → edge 1, their answers back: each leg rewritten the right way.
    let mark = Date.now();
    await phone.hold();
    await waitForEvent(peers, { who: 'colleague', type: 'hold', id: ringing.id }, mark);
    mark = Date.now();
    await phone.resume();
    await waitForEvent(peers, { who: 'colleague', type: 'unhold', id: ringing.id }, mark);
    await until('the colleague hears the phone again', async () => (await audioLevel(peers, ringing.id, 500)).level > 0.05, 5000);
    const resumed = await deskphoneAudio();
    await peers.waitForTimeout(1000);
    expect((await deskphoneAudio()).packetsReceived).toBeGreaterThan(resumed.packetsReceived + 20);

    mark = Date.now();
    await phone.hangup();
    await waitForEvent(peers, { who: 'colleague', type: 'ended', id: ringing.id }, mark);
  });

  it('the caller (WebRTC, edge 1) calls the desk phone (UDP, edge 0): edge 0 delivers it from its phones socket and bridges', async () => {
    const since = Date.now();
    const call = await placeCall(peers, DESKPHONE);
    await phone.waitFor('CALL_INCOMING', { since });
    await phone.accept();
    await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
    await expectTwoWayAudio(peers, [call]);
    expect((await audioLevel(peers, call, 1000)).level).toBeGreaterThan(0.05);
    const audio = await deskphoneAudio();
    expect(audio.direction).toBe('sendrecv');
    expect(audio.packetsReceived).toBeGreaterThan(20);
    const mark = Date.now();
    await peers.evaluate((id) => (window as unknown as ConsoleWindow).lab.hangup(id), call);
    await phone.waitFor('CALL_CLOSED', { since: mark });
  });

  it('an edge killed: its phones move to the other edge; started again, it syncs every binding and delivers calls', async () => {
    const mark = Date.now();
    await lab.killEdge(1);
    expect(lab.edgeRunning(1)).toBe(false);
    await waitForEvent(peers, { who: 'caller', type: 'disconnected' }, mark);
    // JsSIP reconnects to the next socket (wsUris) after 2 s or so and registers there.
    await until('the caller registered on edge 0', async () => (await lab.edgeOf('caller')) === 0, 20_000);
    console.info(`the console's phones moved to edge 0 ${Date.now() - mark} ms after edge 1 died`);
    const stillOnOne = await lab.bindingsOn(0, 'alice');
    expect(stillOnOne.map((b) => b.heldBy)).toEqual([0]);

    await lab.startEdge(1);
    expect(lab.edgeRunning(1)).toBe(true);
    // Nothing registered since: only dmq_usrloc's sync at start can have told edge 1.
    await listedEverywhere('alice', 0);
    await listedEverywhere('caller', 0);
    await listedEverywhere('deskphone', 0);

    // A new agent on the restarted edge, called from edge 0.
    const bob = await openConsole(browser, `${lab.consoleUrl}?agent=bob&edge=1`);
    try {
      await listedEverywhere('bob', 1);
      const since = Date.now();
      const call = await placeCall(peers, BOB, 'Back on edge 1');
      const ringing = await waitForEvent(bob, { who: 'agent', type: 'incoming' }, since);
      await agentApi(bob).answer();
      await waitForEvent(peers, { who: 'caller', type: 'confirmed', id: call }, since);
      await expectTwoWayAudio(peers, [call]);
      await agentApi(bob).hangup(ringing.id);
      await waitForEvent(peers, { who: 'caller', type: 'ended', id: call }, since);
      expect(await eventsSince(peers, since, { who: 'caller', type: 'failed' })).toEqual([]);
    } finally {
      await bob.close();
    }
  });
});
