/**
 * An INVITE flood through the real Kamailio (bounded: a few dozen calls
 * within seconds, from the lab's caller): the extension keeps running, the
 * popup answers, what it cannot take is declined with 486 (so voicemail takes
 * it), no notification storm is left behind, and a legitimate call right after
 * rings at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { notifications, readyAgent, snapshot, startTestLab, until, type Agent, type LabConsole } from './harness';

const BOB = { user: 'bob', password: 'bob-password', name: 'Bob Builder', number: '+15550001002' };
const FLOOD = 24;

let lab: Lab;
let agent: Agent;
let lc: LabConsole;
let popup: Page;

beforeAll(async () => {
  lab = await startTestLab('flood', { ringTimeoutSeconds: 20 });
  ({ agent, popup, lc } = await readyAgent(lab, BOB));
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('an INVITE flood', () => {
  it('one call rings, the rest are declined on to voicemail; the phone stays ready and a call right after rings', async () => {
    const since = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < FLOOD; i++) ids.push(await lc.call(BOB.number, `Flood ${i}`));
    // Every flood call got an answer from someone within a bounded time: here (ringing) or voicemail.
    await until(
      'every flood call handled',
      async () => {
        const ev = (await lc.events()).filter((e) => e.t >= since && e.who === 'caller' && ids.includes(e.id));
        return ids.every((id) => ev.some((e) => e.id === id && (e.type === 'confirmed' || e.type === 'ringing' || e.type === 'failed')));
      },
      60_000,
      250,
    );
    const s = await snapshot(agent);
    expect(s.calls.length, 'at most one flood call rings here').toBeLessThanOrEqual(1);
    expect(await popup.getByRole('status').first().textContent()).toContain('Ready to receive calls');
    for (const id of ids) await lc.hangup(id);
    await until('the flood is over here', async () => (await snapshot(agent)).calls.length === 0, 15_000);

    // No storm left behind: at most the one missed-calls notification, no call notifications.
    const left = Object.keys(await notifications(agent));
    expect(left.filter((id) => id.startsWith('call:'))).toEqual([]);
    expect(left.filter((id) => id !== 'missed' && id !== 'connection-ok')).toEqual([]);

    // A legitimate call right after rings here.
    const placed = Date.now();
    const legit = await lc.call(BOB.number, 'Real Customer');
    await until('the real call rings here', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing' && c.remoteName === 'Real Customer'), 10_000, 20);
    console.log(`flood of ${FLOOD} calls handled; the next real call rang ${Date.now() - placed} ms after it was placed`);
    await popup.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('the real caller is connected', (e) => e.id === legit && e.type === 'confirmed');
    await lc.hangup(legit);
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });
});
