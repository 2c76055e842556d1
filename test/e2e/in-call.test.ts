/**
 * In the call, end to end: every control judged by what the other side
 * receives (audio level, re-INVITEs, digits, REFER), never by a button's look.
 * Real Chromium with the built extension, real Kamailio, real JsSIP peers in
 * the lab console (the caller, a colleague as transfer target, voicemail).
 * The steps share one browser and run in order, like an agent's day.
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import type { ConsoleEvent } from './harness';
import { extensionHears, notifications, readyAgent, snapshot, startTestLab, until, type Agent, type LabConsole } from './harness';

const BOB = { user: 'bob', password: 'bob-password', name: 'Bob Builder', number: '+15550001002' };
const COLLEAGUE_TYPED = '+1 (555) 010-0002';
const RING_TIMEOUT_SECONDS = 25;
/**
 * Audio levels (RMS, 0..1) from getStats' totalAudioEnergy over a window.
 * Chromium's fake microphone beeps; measured at the far end in this lab:
 * speaking 0.37–0.67 per 0.5 s window, a muted or held sender exactly 0 once
 * the far end's jitter buffer has drained (0.3–0.6 s after the click).
 */
const HEARD = 0.05;
const SILENT = 0.002;
/** A control takes effect at the far end within this long, or the test fails. */
const SETTLE_MS = 5000;
const SHOTS = 'artifacts/e2e';

let lab: Lab;
let agent: Agent;
let lc: LabConsole;
let popup: Page;

const region = (name: string): Locator => popup.getByRole('region', { name, exact: true });
const inProgress = () => region('Call in progress');
const ready = () => until('popup says Ready', async () => (await popup.getByRole('status').first().textContent())?.includes('Ready to receive calls'));
const shot = (name: string) => popup.screenshot({ path: `${SHOTS}/in-call-${name}.png`, fullPage: true });

type Level = { level: number; packetsReceived: number };

/**
 * Polls 0.5 s windows until `ok` holds (bounded by SETTLE_MS), then confirms
 * it over a full 1.5 s window: a change must reach the far end, and stay.
 */
async function settlesTo(what: string, measure: (ms: number) => Promise<Level>, ok: (l: Level) => boolean): Promise<Level> {
  await until(what, async () => ok(await measure(500)), SETTLE_MS, 0);
  const confirmed = await measure(1500);
  expect(ok(confirmed), `${what} (confirmed over 1.5 s: level ${confirmed.level.toFixed(4)})`).toBe(true);
  return confirmed;
}
const callerHears = (callerId: string, ok: (l: Level) => boolean, what: string) => settlesTo(what, (ms) => lc.audioLevel(callerId, ms), ok);
const agentHears = (callId: string, ok: (l: Level) => boolean, what: string) => settlesTo(what, (ms) => extensionHears(agent, callId, ms), ok);
const loud = (l: Level) => l.level > HEARD;
const silent = (l: Level) => l.level < SILENT;

async function events(match: Partial<ConsoleEvent>, since: number): Promise<ConsoleEvent[]> {
  return (await lc.events()).filter((e) => e.t >= since && Object.entries(match).every(([k, v]) => e[k as keyof ConsoleEvent] === v));
}

/** The caller calls, the agent answers in the popup; returns both ids. */
async function answeredCall(name: string): Promise<{ callerId: string; callId: string }> {
  const callerId = await lc.call(BOB.number, name);
  const ringing = await until('the extension rings', async () => (await snapshot(agent)).calls.find((c) => c.phase === 'ringing'));
  await region('Incoming call').getByRole('button', { name: 'Answer' }).click();
  await lc.waitFor('caller confirmed', (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
  await until('active in the extension', async () => (await snapshot(agent)).calls.find((c) => c.id === ringing.id && c.phase === 'active'));
  return { callerId, callId: ringing.id };
}

async function hangUpAll(): Promise<void> {
  for (const c of await lc.invoke<{ id: string; status: string; who: string }[]>('calls')) {
    if (c.status !== 'ended' && c.who !== 'voicemail') await lc.hangup(c.id);
  }
  await until('no call in the extension', async () => (await snapshot(agent)).calls.length === 0);
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  lab = await startTestLab('in-call', { ringTimeoutSeconds: RING_TIMEOUT_SECONDS });
  ({ agent, popup, lc } = await readyAgent(lab, BOB));
  await ready();
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('in the call', () => {
  it('every shortcut is bound to a key Chrome gave us, and the popup shows the real bindings', async () => {
    const w = await agent.worker();
    const bound = await w.evaluate(async () => Object.fromEntries((await chrome.commands.getAll()).map((c) => [c.name, c.shortcut ?? ''])));
    for (const name of ['answer-call', 'hangup-call', 'toggle-mute', 'toggle-softphone']) expect(bound[name], name).toMatch(/^Alt\+Shift\+[A-Z]$/);
    await expect.poll(() => popup.getByLabel('Keyboard shortcuts').textContent()).toContain(`Answer: ${bound['answer-call']}`);
  });

  it('mute: the caller hears silence while packets keep flowing; unmute brings the voice back', async () => {
    const { callerId, callId } = await answeredCall('Mute Caller');
    await expect.poll(() => inProgress().getByRole('timer', { name: 'Call duration' }).isVisible()).toBe(true);
    await expect.poll(() => inProgress().getByRole('meter', { name: 'Microphone level' }).isVisible()).toBe(true);
    const before = await callerHears(callerId, loud, 'caller hears the agent before mute');

    const mute = inProgress().getByRole('button', { name: 'Mute', exact: true });
    await mute.click();
    await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('true');
    await shot('muted');
    const muted = await callerHears(callerId, silent, 'caller hears silence');
    expect(muted.packetsReceived, 'packets keep flowing while muted').toBeGreaterThan(20);
    await agentHears(callId, loud, 'the agent still hears the caller');

    await mute.click();
    await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('false');
    const after = await callerHears(callerId, loud, 'caller hears the agent again');
    console.log(`mute: caller level ${before.level.toFixed(4)} → ${muted.level.toFixed(4)} (${muted.packetsReceived} packets) → ${after.level.toFixed(4)}`);
  });

  it('hold: the caller gets a sendonly re-INVITE, audio stops both ways; resume restores both', async () => {
    const callerId = (await lc.invoke<{ id: string; who: string; status: string }[]>('calls')).filter((c) => c.who === 'caller' && c.status === 'in call').at(-1)?.id as string;
    const callId = (await snapshot(agent)).calls[0]?.id as string;
    const since = Date.now();
    const hold = inProgress().getByRole('button', { name: 'Hold', exact: true });
    await hold.click();
    await lc.waitFor('caller sees the hold', (e) => e.who === 'caller' && e.id === callerId && e.type === 'hold' && e.t >= since);
    expect((await events({ who: 'caller', id: callerId, type: 'reinvite' }, since))[0]?.detail).toBe('sendonly');
    await expect.poll(() => hold.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => inProgress().textContent()).toContain('On hold');
    await shot('held');
    await callerHears(callerId, silent, 'caller hears silence on hold');
    await agentHears(callId, silent, 'agent hears nothing from the caller on hold');

    const resumedAt = Date.now();
    await hold.click();
    await lc.waitFor('caller sees the resume', (e) => e.who === 'caller' && e.id === callerId && e.type === 'unhold' && e.t >= resumedAt);
    await expect.poll(() => hold.getAttribute('aria-pressed')).toBe('false');
    await callerHears(callerId, loud, 'caller hears the agent after resume');
    await agentHears(callId, loud, 'agent hears the caller after resume');
  });

  it('hold refused by the caller: the call goes on, not held, and the popup says what happened', async () => {
    const callerId = (await lc.invoke<{ id: string; who: string; status: string }[]>('calls')).filter((c) => c.who === 'caller' && c.status === 'in call').at(-1)?.id as string;
    await lc.invoke('setReinvitePolicy', 'reject');
    try {
      const since = Date.now();
      const hold = inProgress().getByRole('button', { name: 'Hold', exact: true });
      await hold.click();
      await lc.waitFor('caller refuses the re-INVITE', (e) => e.who === 'caller' && e.type === 'reinvite' && e.status === 488 && e.t >= since);
      await expect.poll(() => inProgress().getByRole('alert').textContent()).toContain('refused the hold');
      await shot('hold-refused');
      expect(await hold.getAttribute('aria-pressed')).toBe('false');
      expect((await snapshot(agent)).calls[0]).toMatchObject({ phase: 'active', held: false });
      await callerHears(callerId, loud, 'the caller still hears the agent');
    } finally {
      await lc.invoke('setReinvitePolicy', 'accept');
    }
    // The next hold works: the refusal left a clean state behind.
    const since = Date.now();
    await inProgress().getByRole('button', { name: 'Hold', exact: true }).click();
    await lc.waitFor('caller sees the hold', (e) => e.who === 'caller' && e.type === 'hold' && e.t >= since);
    await inProgress().getByRole('button', { name: 'Hold', exact: true }).click();
    await lc.waitFor('caller sees the resume', (e) => e.who === 'caller' && e.type === 'unhold' && e.t >= since);
  });

  it('keypad: digits arrive at the far end in order, as RFC 4733 telephone-events by default', async () => {
    const callerId = (await lc.invoke<{ id: string; who: string; status: string }[]>('calls')).filter((c) => c.who === 'caller' && c.status === 'in call').at(-1)?.id as string;
    const since = Date.now();
    await inProgress().getByRole('button', { name: 'Keypad' }).click();
    const keypad = popup.getByRole('group', { name: 'Keypad' });
    for (const key of ['1', '2', '3', '#']) {
      await keypad.getByRole('button', { name: key, exact: true }).click();
      await popup.waitForTimeout(250); // An agent's pace; RFC 4733 events queue in the sender anyway.
    }
    await popup.keyboard.press('9');
    await shot('keypad');
    const got = await until('five digits at the caller', async () => {
      const d = await events({ who: 'caller', id: callerId, type: 'dtmf' }, since);
      return d.length >= 5 ? d : null;
    });
    expect(got.map((e) => e.detail).join('')).toBe('123#9');
    expect(new Set(got.map((e) => e.transport))).toEqual(new Set(['RFC4733']));
  });

  it('keypad with SIP INFO chosen in the options page: digits arrive as INFO', async () => {
    const callerId = (await lc.invoke<{ id: string; who: string; status: string }[]>('calls')).filter((c) => c.who === 'caller' && c.status === 'in call').at(-1)?.id as string;
    const options = await agent.context.newPage();
    await options.goto(`${agent.origin}/options.html`);
    await options.getByLabel('Keypad digits are sent as').selectOption('info');
    await options.getByRole('button', { name: 'Save call settings' }).click();
    await expect.poll(() => options.locator('#call-preferences-status').textContent()).toContain('Saved');
    await options.close();
    expect((await lab.locations(BOB.user)).length, 'a settings change does not re-register').toBe(1);

    const since = Date.now();
    const keypad = popup.getByRole('group', { name: 'Keypad' });
    for (const key of ['4', '*', '0']) await keypad.getByRole('button', { name: key, exact: true }).click();
    const got = await until('three INFO digits at the caller', async () => {
      const d = await events({ who: 'caller', id: callerId, type: 'dtmf' }, since);
      return d.length >= 3 ? d : null;
    });
    expect(got.map((e) => e.detail).join('')).toBe('4*0');
    expect(new Set(got.map((e) => e.transport))).toEqual(new Set(['INFO']));
  });

  it('blind transfer accepted: the colleague rings, caller and colleague talk, the agent is free', async () => {
    const callerId = (await lc.invoke<{ id: string; who: string; status: string }[]>('calls')).filter((c) => c.who === 'caller' && c.status === 'in call').at(-1)?.id as string;
    const since = Date.now();
    await inProgress().getByRole('button', { name: 'Transfer' }).click();
    await popup.getByRole('textbox', { name: 'Transfer to' }).fill(COLLEAGUE_TYPED);
    await shot('transfer');
    await popup.getByRole('button', { name: 'Transfer now' }).click();
    const refer = await lc.waitFor('caller gets the REFER', (e) => e.who === 'caller' && e.id === callerId && e.type === 'refer' && e.t >= since);
    expect(refer.detail).toContain('+15550100002@');
    await lc.waitFor('the colleague rings', (e) => e.who === 'colleague' && e.type === 'incoming' && e.t >= since);
    expect(await lc.invoke<string | null>('colleagueAnswer')).not.toBeNull();
    const transferCall = await lc.waitFor('caller calls the colleague', (e) => e.who === 'caller' && e.type === 'transfer-call' && e.detail === callerId);
    await lc.waitFor('caller and colleague connected', (e) => e.who === 'caller' && e.id === transferCall.id && e.type === 'confirmed');
    await until('the agent is free', async () => (await snapshot(agent)).calls.length === 0);
    expect((await snapshot(agent)).lastCall?.endReason).toBe('transferred');
    await expect.poll(() => popup.locator('.last-call').textContent()).toContain('Transferred');
    await callerHears(transferCall.id, loud, 'the caller hears the colleague');
    await lc.hangup(transferCall.id);
  });

  it('blind transfer refused: the agent stays in the call and is told', async () => {
    const { callerId } = await answeredCall('Refuser');
    await lc.invoke('setReferPolicy', 'reject');
    try {
      const since = Date.now();
      await inProgress().getByRole('button', { name: 'Transfer' }).click();
      await popup.getByRole('textbox', { name: 'Transfer to' }).fill('colleague');
      await popup.getByRole('button', { name: 'Transfer now' }).click();
      await lc.waitFor('caller refuses the REFER', (e) => e.who === 'caller' && e.type === 'refer' && e.status === 603 && e.t >= since);
      await expect.poll(() => inProgress().getByRole('alert').textContent()).toContain('did not go through');
      await shot('transfer-refused');
      expect((await snapshot(agent)).calls[0]).toMatchObject({ phase: 'active', transfer: null });
      await callerHears(callerId, loud, 'the caller still hears the agent');
    } finally {
      await lc.invoke('setReferPolicy', 'accept');
    }
    await hangUpAll();
  });

  it('call waiting: Hold & answer holds the first call; when the second ends the first stays held until resumed', async () => {
    const first = await answeredCall('First Caller');
    const since = Date.now();
    const secondCallerId = await lc.call(BOB.number, 'Second Caller');
    const waiting = region('Call waiting');
    await expect.poll(() => waiting.textContent()).toContain('Second Caller');
    const note = Object.entries(await notifications(agent)).find(([id]) => id.startsWith('call:'))?.[1];
    expect(note).toMatchObject({ title: 'Call waiting', buttons: ['Hold & answer', 'Decline'] });
    await shot('call-waiting');

    await waiting.getByRole('button', { name: 'Hold & answer' }).click();
    await lc.waitFor('first caller is put on hold', (e) => e.who === 'caller' && e.id === first.callerId && e.type === 'hold' && e.t >= since);
    await lc.waitFor('second caller connected', (e) => e.who === 'caller' && e.id === secondCallerId && e.type === 'confirmed');
    await expect.poll(() => region('Call on hold').textContent()).toContain('First Caller');
    await expect.poll(() => inProgress().textContent()).toContain('Second Caller');
    await shot('two-calls');
    await callerHears(secondCallerId, loud, 'second caller hears the agent');
    await callerHears(first.callerId, silent, 'first caller hears silence');

    await lc.hangup(secondCallerId);
    await until('one call left', async () => (await snapshot(agent)).calls.length === 1);
    const hold = inProgress().getByRole('button', { name: 'Hold', exact: true });
    await expect.poll(() => hold.getAttribute('aria-pressed')).toBe('true');
    const resumeAt = Date.now();
    await hold.click();
    await lc.waitFor('first caller resumed', (e) => e.who === 'caller' && e.id === first.callerId && e.type === 'unhold' && e.t >= resumeAt);
    await callerHears(first.callerId, loud, 'first caller hears the agent again');
  });

  it('Decline on the waiting call sends only that caller on (486 → voicemail); a third call is busy', async () => {
    const first = (await snapshot(agent)).calls[0];
    expect(first?.phase).toBe('active');
    const since = Date.now();
    const second = await lc.call(BOB.number, 'Declined Waiter');
    await region('Call waiting').getByRole('button', { name: 'Decline' }).click();
    await lc.waitFor('voicemail takes the declined call', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= since);
    await lc.waitFor('declined caller connected to voicemail', (e) => e.who === 'caller' && e.id === second && e.type === 'confirmed');
    expect((await snapshot(agent)).calls.map((c) => [c.id, c.phase])).toEqual([[first?.id, 'active']]);
    await lc.hangup(second);

    // Two calls (one held), then a third: 486 at once, voicemail takes it, the popup never shows it.
    const secondAnswered = await lc.call(BOB.number, 'Second Again');
    await region('Call waiting').getByRole('button', { name: 'Hold & answer' }).click();
    await lc.waitFor('second connected', (e) => e.who === 'caller' && e.id === secondAnswered && e.type === 'confirmed');
    const thirdAt = Date.now();
    const third = await lc.call(BOB.number, 'Third Caller');
    await lc.waitFor('voicemail takes the third call', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= thirdAt);
    await lc.waitFor('third caller connected to voicemail', (e) => e.who === 'caller' && e.id === third && e.type === 'confirmed');
    expect((await snapshot(agent)).calls).toHaveLength(2);
    await hangUpAll();
  });

  it('call waiting switched off: a second call gets 486 at once and goes to voicemail', async () => {
    const options = await agent.context.newPage();
    await options.goto(`${agent.origin}/options.html`);
    await options.getByLabel(/Call waiting/).uncheck();
    await options.getByRole('button', { name: 'Save call settings' }).click();
    await expect.poll(() => options.locator('#call-preferences-status').textContent()).toContain('Saved');
    await options.close();

    await answeredCall('Only Caller');
    const since = Date.now();
    const second = await lc.call(BOB.number, 'Not Waiting');
    await lc.waitFor('voicemail takes it at once', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= since);
    await lc.waitFor('caller connected to voicemail', (e) => e.who === 'caller' && e.id === second && e.type === 'confirmed');
    expect((await snapshot(agent)).calls).toHaveLength(1);
    await hangUpAll();
    await ready();
  });
});
