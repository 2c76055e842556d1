/**
 * Devices and ringtone, end to end with Chromium's fake devices (three inputs,
 * three outputs): chosen in the options page, applied live to a call in
 * progress (a new microphone track, another output) without a re-INVITE,
 * without re-registering and without the caller losing audio; the ring plays
 * on its own output with no click; a chosen device that is gone falls back to
 * the default and the agent is told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { callStats, extensionHears, notifications, readyAgent, snapshot, startTestLab, until, type Agent, type LabConsole } from './harness';

const BOB = { user: 'bob', password: 'bob-password', number: '+15550001002' };

let lab: Lab;
let agent: Agent;
let popup: Page;
let lc: LabConsole;
let options: Page;

const optionLabels = (select: string) => options.locator(`${select} option`).allTextContents();
/** Connection events that a re-registration or reconnect would leave (a periodic refresh's 'register-ok' is not one). */
const timelineEvents = async () =>
  ((await popup.evaluate(() => chrome.runtime.sendMessage({ target: 'background', type: 'get-timeline' }))) as { event: string }[])
    .map((e) => e.event)
    .filter((e) => ['registering', 'recovering', 'unreachable', 'transport-up', 'transport-lost', 'off'].includes(e));
const callLog = async () => (await popup.evaluate(() => chrome.runtime.sendMessage({ target: 'background', type: 'get-call-log' }))) as { at: number; event: string }[];

beforeAll(async () => {
  lab = await startTestLab('devices');
  ({ agent, popup, lc } = await readyAgent(lab, BOB));
  options = await agent.context.newPage();
  await options.goto(`${agent.origin}/options.html`);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

async function choose(select: string, label: string): Promise<void> {
  await options.locator(select).selectOption({ label });
  await until(`saved ${label}`, async () => ((await options.locator('#audio-status').textContent()) ?? '').startsWith('Saved'));
}

describe('devices and ringtone', () => {
  it('the options page lists the devices; the ring plays on the chosen ringer with no click', async () => {
    await until('devices listed', async () => (await optionLabels('#microphone-select')).includes('Fake Audio Input 2'));
    expect(await optionLabels('#speaker-select')).toEqual(expect.arrayContaining(['System default', 'Fake Audio Output 1', 'Fake Audio Output 2']));
    await choose('#ringer-select', 'Fake Audio Output 2');
    await options.locator('#ringtone-select').selectOption('soft');
    await until('saved', async () => ((await agent.worker().then((w) => w.evaluate(() => chrome.storage.local.get('audioPreferences')))) as { audioPreferences?: { ringtone?: string } }).audioPreferences?.ringtone === 'soft');

    const since = Date.now();
    const id = await lc.call(BOB.number, 'Ring Check');
    // The engine reports the ringtone only once its audio clock runs: no gesture was needed.
    await until('the ringtone plays', async () => (await callLog()).some((e) => e.event === 'ringtone' && e.at >= since));
    await lc.hangup(id);
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('a new microphone and speaker during a call: applied live, no re-INVITE, no re-registration, audio both ways', async () => {
    const id = await lc.call(BOB.number, 'Device Caller');
    await until('rings', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
    await popup.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('confirmed', (e) => e.id === id && e.type === 'confirmed');
    const callId = (await snapshot(agent)).calls[0]?.id ?? '';
    expect((await callStats(agent, callId))?.microphoneLabel).toBe('Fake Default Audio Input');
    const timelineBefore = (await timelineEvents()).length;
    const reinvitesBefore = (await lc.events()).filter((e) => e.id === id && e.type === 'reinvite').length;

    await choose('#microphone-select', 'Fake Audio Input 2');
    await until('the call uses the new microphone', async () => (await callStats(agent, callId))?.microphoneLabel === 'Fake Audio Input 2', 10_000);
    const heard = await lc.audioLevel(id, 1500);
    expect(heard.level, 'the caller still hears the agent').toBeGreaterThan(0.01);

    await choose('#speaker-select', 'Fake Audio Output 1');
    const outputId = await options.locator('#speaker-select').inputValue();
    await until('the call plays on the new output', async () => (await callStats(agent, callId))?.speakerId === outputId, 10_000);
    expect((await extensionHears(agent, callId)).level, 'the agent still hears the caller').toBeGreaterThan(0.01);

    expect((await lc.events()).filter((e) => e.id === id && e.type === 'reinvite').length, 'no re-INVITE').toBe(reinvitesBefore);
    expect((await timelineEvents()).length, 'no re-registration, no reconnect').toBe(timelineBefore);
    expect((await snapshot(agent)).calls[0]?.phase).toBe('active');
    await lc.hangup(id);
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('a chosen microphone that is gone (a headset unplugged since): the default is used, the call works, the agent is told', async () => {
    const prefs = (await popup.evaluate(() => chrome.runtime.sendMessage({ target: 'background', type: 'get-audio-preferences' }))) as Record<string, unknown>;
    await popup.evaluate((p) => chrome.runtime.sendMessage({ target: 'background', type: 'set-audio-preferences', preferences: p }), { ...prefs, microphoneId: 'a-headset-unplugged-yesterday' });
    const id = await lc.call(BOB.number, 'Fallback Caller');
    await until('rings', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
    const told = await until('told', async () => (await notifications(agent)).device, 10_000);
    expect(told.title).toBe('Your microphone is not connected');
    expect(told.message).toContain('Using the default microphone instead.');
    await popup.getByRole('button', { name: 'Answer' }).click();
    await lc.waitFor('confirmed', (e) => e.id === id && e.type === 'confirmed');
    const callId = (await snapshot(agent)).calls[0]?.id ?? '';
    expect((await callStats(agent, callId))?.microphoneLabel).toBe('Fake Default Audio Input');
    expect((await lc.audioLevel(id, 1500)).level).toBeGreaterThan(0.01);
    await lc.hangup(id);
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });
});
