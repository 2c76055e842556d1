/**
 * Accessibility of every state an agent sees, checked by axe-core in the real
 * pages (sign-in, ready, ringing, in a call with the keypad and the transfer
 * form open, two calls, the options page). Serious and critical violations
 * fail; every finding is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { audit, grantMicrophone, LabConsole, launchAgent, signIn, snapshot, startTestLab, until, type Agent } from './harness';

const BOB = { user: 'bob', password: 'bob-password', number: '+15550001002' };

let lab: Lab;
let agent: Agent;
let lc: LabConsole;
let popup: Page;

beforeAll(async () => {
  lab = await startTestLab('a11y', { ringTimeoutSeconds: 25 });
  agent = await launchAgent();
  popup = agent.popup;
  await grantMicrophone(agent, agent.origin);
  lc = await LabConsole.open(agent, lab.consoleUrl);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('every state passes axe', () => {
  it('the sign-in form, with an error', async () => {
    await signIn(popup, lab.loginUrl, BOB.user, 'wrong');
    await until('the error', async () => (await popup.getByRole('alert').count()) === 1);
    await audit(popup, 'sign-in with an error');
  });

  it('ready, ringing, in a call with the keypad and transfer open, two calls', async () => {
    await signIn(popup, lab.loginUrl, BOB.user, BOB.password);
    await until('signed in', async () => (await popup.getByLabel('Signed in account').count()) === 1);
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await until('ready', async () => (await snapshot(agent)).registration === 'registered');
    await audit(popup, 'ready');

    const first = await lc.call(BOB.number, 'Accessible Caller');
    await until('rings', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
    await audit(popup, 'ringing');
    await popup.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('connected', (e) => e.id === first && e.type === 'confirmed');
    await popup.getByRole('button', { name: 'Keypad' }).click();
    await audit(popup, 'in a call, keypad open');
    await popup.getByRole('button', { name: 'Transfer' }).click();
    await audit(popup, 'in a call, transfer open');

    const second = await lc.call(BOB.number, 'Waiting Caller');
    await until('waiting', async () => (await popup.getByRole('region', { name: 'Call waiting' }).count()) === 1);
    await audit(popup, 'call waiting');
    await lc.hangup(second);
    await lc.hangup(first);
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('an incoming call is announced and takes the focus (Answer), the call keeps it, and after the call it goes to the heading; long names wrap', async () => {
    const focused = () => popup.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { tag: el?.tagName ?? '', text: el?.textContent ?? '', label: el?.getAttribute('aria-label') ?? '', id: el?.id ?? '' };
    });
    // The focus starts where a keyboard user leaves it: on the Softphone switch (Space there would turn the phone off).
    await popup.getByRole('switch', { name: 'Softphone' }).focus();
    const long = 'Bartholomew-Maximilian-Wolfeschlegelsteinhausenbergerdorff-the-Third';
    const id = await lc.call(BOB.number, long);
    await until('announced', async () => ((await popup.locator('[aria-live="assertive"]').textContent()) ?? '').startsWith('Incoming call: Bartholomew'));
    await until('focus on Answer', async () => (await focused()).text === 'Answer');
    expect(await popup.evaluate(() => document.body.scrollWidth)).toBeLessThanOrEqual(320); // The popup is 320 px wide: nothing spills out.
    await popup.keyboard.press('Enter'); // Answer, from the keyboard.
    await lc.waitFor('connected', (e) => e.id === id && e.type === 'confirmed');
    await until('focus on the call', async () => (await focused()).label === 'Call in progress');
    await popup.getByRole('button', { name: 'Hang up' }).click();
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
    await until('focus on the heading', async () => (await focused()).id === 'phone-heading');
    expect(await popup.getByRole('heading', { level: 1 }).textContent()).toBe('vPhone softphone');
  });

  it('the options page', async () => {
    const options = await agent.context.newPage();
    await options.goto(`${agent.origin}/options.html`);
    await until('routing shown', async () => (await options.getByRole('switch', { name: 'Voicemail' }).getAttribute('aria-checked')) === 'true');
    await audit(options, 'options');
    await options.close();
  });
});
