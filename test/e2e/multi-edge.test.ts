/**
 * A provider with more than one edge: two Kamailio nodes sharing
 * registrations (DMQ, dmq_usrloc), both listed in the login's wsUris
 * (scripts/lab/README.md, "The 2-edge lab"). The extension registers on one
 * of them; that edge is killed (SIGKILL, a crash); the extension must be
 * registered on the other edge within one re-registration period (30 s, the
 * production value: no `tuning` here) and calls must ring it there, answered
 * with audio both ways. Then the killed edge comes back and the lab is whole
 * again. Prints the time from the kill to the binding on the surviving edge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { extensionHears, LabConsole, readyAgent, snapshot, startTestLab, until, type Agent } from './harness';

const ALICE = { user: 'alice', password: 'alice-password', number: '+15550001001' };
const BOB_NUMBER = '+15550001002';
/** One re-registration period in production (DEFAULT_TUNING.refreshSeconds). */
const REFRESH_PERIOD_MS = 30_000;
/** The fake microphone's beeps arrive at RMS ≈ 0.4–0.55; silence is ≈ 0. */
const HEARD = 0.05;

let lab: Lab;
let agent: Agent;
let popup: Page;
let lc: LabConsole;
/** The edge the extension registered on first; killed in the second step. */
let firstEdge: number;

const statusText = async () => (await popup.getByRole('status').first().textContent()) ?? '';

/** `user`'s binding, held by edge `holder`, on every running edge and nowhere twice. */
async function heldEverywhereBy(user: string, holder: number): Promise<boolean> {
  for (let edge = 0; edge < lab.edges; edge += 1) {
    if (!lab.edgeRunning(edge)) continue;
    const bindings = await lab.bindingsOn(edge, user);
    if (bindings.length !== 1 || bindings[0]?.heldBy !== holder) return false;
  }
  return true;
}

/** The console's caller calls alice: the extension rings, answers, and both sides hear each other. */
async function callRingsAndIsAnswered(label: string): Promise<void> {
  const callerId = await lc.call(ALICE.number, label);
  const ringing = await until('ringing in the extension', async () => (await snapshot(agent)).calls.find((c) => c.phase === 'ringing') ?? null);
  await popup.getByRole('button', { name: 'Answer' }).click();
  await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
  await until('the agent hears the caller', async () => (await extensionHears(agent, ringing.id, 500)).level > HEARD, 10_000, 0);
  await until('the caller hears the agent', async () => (await lc.audioLevel(callerId, 500)).level > HEARD, 10_000, 0);
  await lc.hangup(callerId);
  await until('call over', async () => (await snapshot(agent)).calls.length === 0);
}

beforeAll(async () => {
  lab = await startTestLab('multi-edge', { edges: 2 });
  // Nothing else may answer for the agent: the fork must reach the extension only.
  await lab.setRouting(ALICE.user, { forwardingEnabled: false });
  ({ agent, popup, lc } = await readyAgent(lab, ALICE));
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('a provider with two edges', () => {
  it('the extension signs in against both edges, registers on the primary (listed first), and the other knows the binding', async () => {
    expect(lab.wsUris).toHaveLength(2);
    // until() wants a truthy value, and edge 0 is a falsy number.
    const held = await until(
      'the extension held by an edge',
      async () => {
        const edge = await lab.edgeOf(ALICE.user);
        return edge === null ? null : { edge };
      },
      10_000,
    );
    firstEdge = held.edge;
    console.log(`the extension registered on edge ${firstEdge} (${lab.wsUris[firstEdge]})`);
    // The login lists the primary first, and the extension prefers it (socket weights).
    expect(firstEdge).toBe(0);
    await until('the binding replicated to both edges', () => heldEverywhereBy(ALICE.user, firstEdge), 5000);
    await until('popup says Ready', async () => (await statusText()).includes('Ready to receive calls'));
    // The console's phones connect to the primary (edge 0): this call crosses edges when the extension is on edge 1.
    await callRingsAndIsAnswered(`Before the crash (extension on edge ${firstEdge})`);
  });

  it('the edge it uses dies: registered on the other edge within one re-registration period, and calls ring there', async () => {
    const survivor = firstEdge === 0 ? 1 : 0;
    const killedAt = Date.now();
    await lab.killEdge(firstEdge);
    // The surviving edge's own location table: alice's binding, now held there (the replicated one replaced, not added).
    await until(
      `alice registered on edge ${survivor}`,
      async () => (await lab.edgeOf(ALICE.user)) === survivor && (await snapshot(agent)).registration === 'registered',
      REFRESH_PERIOD_MS,
      50,
    );
    const failoverMs = Date.now() - killedAt;
    console.log(`edge ${firstEdge} killed: the extension registered on edge ${survivor} after ${failoverMs} ms`);
    expect(failoverMs).toBeLessThan(REFRESH_PERIOD_MS);
    expect(await lab.bindingsOn(survivor, ALICE.user)).toEqual([expect.objectContaining({ heldBy: survivor })]);
    await until('popup says Ready again', async () => (await statusText()).includes('Ready to receive calls'), 10_000);

    // The console's phones move by themselves when their edge (the primary) was the one killed.
    await until(`the caller registered on edge ${survivor}`, async () => (await lab.edgeOf('caller')) === survivor, 20_000);
    console.log(`the console's caller is on edge ${survivor} ${Date.now() - killedAt} ms after the kill`);
    await callRingsAndIsAnswered(`After edge ${firstEdge} died`);
    expect((await snapshot(agent)).registration).toBe('registered');
  });

  it('the killed edge comes back: it syncs the bindings, delivers calls again, and the extension stays put', async () => {
    const survivor = firstEdge === 0 ? 1 : 0;
    await lab.startEdge(firstEdge);
    expect(lab.edgeRunning(0) && lab.edgeRunning(1)).toBe(true);
    // dmq_usrloc's sync at start: the restarted edge knows every binding, held where it really is.
    await until('alice held by the survivor on both edges', () => heldEverywhereBy(ALICE.user, survivor), 10_000);
    await until('the caller held by the survivor on both edges', () => heldEverywhereBy('caller', survivor), 10_000);

    // The restarted edge delivers calls: an agent page for bob connects to it first, the caller calls bob.
    const bob = await LabConsole.open(agent, `${lab.consoleUrl}?agent=bob&edge=${firstEdge}`);
    try {
      await until('bob held by the restarted edge on both edges', () => heldEverywhereBy('bob', firstEdge), 10_000);
      const callerId = await lc.call(BOB_NUMBER, 'To the restarted edge');
      const incoming = await bob.waitFor('bob rings', (e) => e.who === 'agent' && e.type === 'incoming');
      await bob.invoke('answer');
      await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
      await until('bob hears the caller', async () => (await bob.audioLevel(incoming.id, 500)).level > HEARD, 10_000, 0);
      await lc.hangup(callerId);
      await bob.waitFor('bob hung up on', (e) => e.who === 'agent' && e.id === incoming.id && e.type === 'ended');
    } finally {
      await bob.page.close();
    }

    // The extension did not move back (JsSIP keeps a working socket) and still rings.
    expect(await lab.edgeOf(ALICE.user)).toBe(survivor);
    expect((await snapshot(agent)).registration).toBe('registered');
    expect(await statusText()).toContain('Ready to receive calls');
    await callRingsAndIsAnswered('After the edge came back');
  });
});
