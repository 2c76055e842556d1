/**
 * The optional incoming-call window (off by default, turned on in the options
 * page): a call brings a small window with the popup's controls to the front;
 * the agent answers and hangs up there; it closes when the calls are over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../scripts/lab/lab';
import { readyAgent, snapshot, startTestLab, until, type Agent, type LabConsole } from './harness';

const BOB = { user: 'bob', password: 'bob-password', number: '+15550001002' };
let lab: Lab;
let agent: Agent;
let lc: LabConsole;

beforeAll(async () => {
  lab = await startTestLab('call-window');
  ({ agent, lc } = await readyAgent(lab, BOB));
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

const callWindowOpen = () => agent.context.pages().some((p) => p.url().endsWith('/popup.html?window=call'));

describe('the incoming-call window', () => {
  it('off by default: a call opens no window', async () => {
    const id = await lc.call(BOB.number, 'No Window');
    await until('rings', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
    await new Promise((r) => setTimeout(r, 1000));
    expect(callWindowOpen()).toBe(false);
    await lc.hangup(id);
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('turned on: a call brings it to the front with the controls; answered and hung up there; then it closes', async () => {
    const options = await agent.context.newPage();
    await options.goto(`${agent.origin}/options.html`);
    await options.getByLabel(/Call window/).check();
    await options.getByRole('button', { name: 'Save call settings' }).click();
    await until('saved', async () => ((await options.locator('#call-preferences-status').textContent()) ?? '') === 'Saved.');
    await options.close();

    const opened = agent.context.waitForEvent('page', { predicate: (p) => p.url().endsWith('/popup.html?window=call'), timeout: 15_000 });
    const id = await lc.call(BOB.number, 'Window Caller');
    const win = await opened;
    const incoming = win.getByRole('region', { name: 'Incoming call' });
    await incoming.waitFor();
    expect(await incoming.textContent()).toContain('Window Caller');
    await incoming.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('confirmed', (e) => e.id === id && e.type === 'confirmed');
    const closed = win.waitForEvent('close', { timeout: 15_000 });
    await win.getByRole('button', { name: 'Hang up' }).click();
    await lc.waitFor('the caller sees the end', (e) => e.id === id && e.type === 'ended');
    await closed;
    expect(callWindowOpen()).toBe(false);
  });
});
