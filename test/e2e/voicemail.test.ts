/**
 * Voicemail (R7), the greeting and "Test my line", end to end against the
 * lab: real calls through Kamailio to the lab's voicemail peer, which plays
 * the account's greeting and records the caller; the provider API lists the
 * messages; the extension shows, announces and plays them. The line test is a
 * real call through the agent's real routing, and each diagnosis comes from a
 * real lab situation (softphone off, answered here, a forwarding phone that
 * answers at once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { LabConsole, clickNotificationButton, extensionHears, grantMicrophone, launchAgent, notifications, signIn, snapshot, startTestLab, until, type Agent } from './harness';
import { CALL_NOTIFICATION_PREFIX } from '../../src/shared/call-state';
import { MESSAGE_CHECKS_MS } from '../../src/background/voicemail-controller';

const ALICE = { user: 'alice', password: 'alice-password', number: '+15550001001', cell: '+15550109001' };
// The watchdog (and with it the voicemail list) every 6 s instead of every minute.
const TUNING = { watchdogMinutes: 0.1 };
const RING_TIMEOUT_S = 8;

let lab: Lab;
let agent: Agent;
let popup: Page;
let lc: LabConsole;

const popupUrl = () => `${agent.origin}/popup.html`;
const badgeTitle = async () => (await agent.worker()).evaluate(() => chrome.action.getTitle({}));
const softphone = () => popup.getByRole('switch', { name: 'Softphone' });
const lineTest = () => popup.getByRole('region', { name: 'Line test' });
const lineTestText = async () => ((await lineTest().count()) ? ((await lineTest().textContent()) ?? '') : '');

/** RMS level of what an <audio> element plays, over a window (its captured stream through an analyser). */
function playedLevel(page: Page, selector: string, windowMs = 800): Promise<number> {
  return page.evaluate(
    async ([sel, ms]) => {
      const audio = document.querySelector(sel) as HTMLAudioElement & { captureStream(): MediaStream };
      const stream = audio.captureStream();
      // The captured stream gets its track once playback has started.
      if (stream.getAudioTracks().length === 0) await new Promise((r) => stream.addEventListener('addtrack', r, { once: true }));
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      ctx.createMediaStreamSource(stream).connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      let peak = 0;
      const end = performance.now() + (ms as number);
      while (performance.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
        analyser.getFloatTimeDomainData(buf);
        peak = Math.max(peak, Math.sqrt(buf.reduce((s, v) => s + v * v, 0) / buf.length));
      }
      await ctx.close();
      return peak;
    },
    [selector, windowMs] as const,
  );
}

beforeAll(async () => {
  lab = await startTestLab('voicemail', { ringTimeoutSeconds: RING_TIMEOUT_S });
  await lab.setRouting(ALICE.user, { forwardingEnabled: false });
  agent = await launchAgent();
  popup = agent.popup;
  await grantMicrophone(agent, agent.origin);
  lc = await LabConsole.open(agent, lab.consoleUrl);
  await (await agent.worker()).evaluate((t) => chrome.storage.local.set({ tuning: t }), TUNING);
  await signIn(popup, lab.loginUrl, ALICE.user, ALICE.password);
  await until('signed in', async () => (await popup.getByLabel('Signed in account').count()) === 1);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('voicemail', () => {
  it('a caller who reaches voicemail (softphone off: at once, R5) leaves a message: announced with the popup closed, counted, played, marked heard', async () => {
    await popup.goto('about:blank'); // The popup is closed.
    const callerId = await lc.call(ALICE.number, 'Carol Caller');
    await lc.waitFor('voicemail answers at once', (e) => e.who === 'voicemail' && e.type === 'answered', 10_000);
    await popup.waitForTimeout(3000); // The caller speaks (the console's fake microphone).
    await lc.hangup(callerId);
    await until('the lab recorded it', async () => (await lab.voicemailMessages(ALICE.user)).length === 1, 15_000);

    const notice = await until('a new-voicemail notification', async () => (await notifications(agent)).voicemail, 20_000);
    expect(notice.title).toBe('New voicemail');
    expect(notice.message).toContain('Carol Caller');
    expect(await badgeTitle()).toContain('1 new voicemail');

    await popup.goto(popupUrl());
    const list = popup.getByRole('list', { name: 'Voicemail' });
    const item = list.getByRole('listitem').first();
    await until('the message is listed as new', async () => ((await item.count()) ? /Carol Caller[\s\S]*New/.test((await item.textContent()) ?? '') : false));
    expect(await popup.locator('#voicemail-heading').textContent()).toContain('1 new');

    // The recording holds what the caller said: the agent hears it (a level, not only a playing element).
    const level = playedLevel(popup, '.voicemail audio', 1500);
    await item.getByRole('button', { name: 'Play' }).click();
    await until('the player plays', async () => popup.evaluate(() => !(document.querySelector('.voicemail audio') as HTMLAudioElement).paused));
    expect(await level).toBeGreaterThan(0.01);
    await until('heard at the provider', async () => (await lab.voicemailMessages(ALICE.user))[0]?.heard === true);
    await until('shown as heard', async () => ((await item.textContent()) ?? '').includes('Heard'));
    await until('the notification is gone', async () => (await notifications(agent)).voicemail === undefined);
    expect(await badgeTitle()).not.toContain('new voicemail');
  });

  it('a hostile caller name in a message is shown as plain, isolated text', async () => {
    await lab.addVoicemail(ALICE.user, { fromName: '<img src=x onerror=alert(1)>\u202eEvil', from: '+15550100009', durationSeconds: 2 });
    await popup.reload();
    const first = popup.getByRole('list', { name: 'Voicemail' }).getByRole('listitem').first();
    await until('listed', async () => ((await first.textContent()) ?? '').includes('Evil'));
    expect(await popup.locator('.voicemail img').count()).toBe(0);
    expect((await first.textContent()) ?? '').not.toContain('\u202e');
  });

  it('a greeting recorded in the options page is uploaded and the next caller hears it; back to the default', async () => {
    const options = await agent.context.newPage();
    await options.goto(`${agent.origin}/options.html`);
    const record = options.getByRole('button', { name: 'Record greeting' });
    await until('greeting controls ready', async () => record.isEnabled());
    await record.click();
    await until('recording', async () => (await record.getAttribute('aria-pressed')) === 'true');
    await options.waitForTimeout(2000); // Chromium's fake microphone: a beep every second.
    await record.click();
    await until('recorded', async () => options.getByRole('button', { name: 'Save greeting' }).isEnabled());
    await options.getByRole('button', { name: 'Save greeting' }).click();
    await until('saved', async () => ((await options.locator('#greeting-status').textContent()) ?? '').includes('Saved'));
    expect((await snapshot(agent)).voicemail.greeting).toBe('custom');
    expect(await options.locator('#greeting-current').textContent()).toBe('Callers hear your own greeting.');
    // The provider now serves the recording (webm from MediaRecorder; the default greeting is a WAV).
    const served = (await options.evaluate(() => chrome.runtime.sendMessage({ target: 'background', type: 'greeting-audio' }))) as { ok: boolean; contentType: string; data: string };
    expect(served).toMatchObject({ ok: true, contentType: expect.stringMatching(/^audio\/webm/) });
    expect(served.data.length).toBeGreaterThan(1000);

    // The next caller reaches voicemail (softphone off) and hears the greeting.
    const callerId = await lc.call(ALICE.number, 'Greeting Check');
    await lc.waitFor('voicemail answers', (e) => e.id === callerId && e.type === 'confirmed', 10_000);
    const heard = await lc.audioLevel(callerId, 1500);
    expect(heard.level).toBeGreaterThan(0.01);
    await lc.hangup(callerId);

    await options.getByRole('button', { name: 'Use the default greeting' }).click();
    await until('default again', async () => (await snapshot(agent)).voicemail.greeting === 'default');
    await options.close();
  });
});

describe('Test my line', () => {
  it('softphone off, no forwarding: voicemail answered at once; the diagnosis names why and the fix works', async () => {
    await popup.goto(popupUrl());
    await popup.getByRole('button', { name: 'Test my line' }).click();
    await until('a diagnosis', async () => (await snapshot(agent)).lineTest?.phase === 'done', 30_000);
    const text = await lineTestText();
    expect(text).toContain('Voicemail answered at once: nothing could ring.');
    expect(text).toContain('This phone did not ring: the softphone is off.');
    await lineTest().getByRole('button', { name: 'Switch on' }).click();
    await until('registered', async () => (await snapshot(agent)).registration === 'registered');
    expect(await softphone().getAttribute('aria-checked')).toBe('true');
  });

  it('softphone on, forwarding on: both ring, the test call is shown as "Line test", answered here with the provider\'s tone', async () => {
    await lab.setRouting(ALICE.user, { forwardingEnabled: true, forwardingNumber: ALICE.cell });
    await lab.setCellMode('ring');
    await popup.getByRole('button', { name: 'Test my line' }).click();
    const incoming = popup.getByRole('region', { name: 'Incoming call' });
    await incoming.waitFor();
    expect(await incoming.textContent()).toContain('Line test');
    const call = (await snapshot(agent)).calls[0];
    expect(call?.lineTest).toBe(true);
    await incoming.getByRole('button', { name: 'Answer' }).click();
    await until('connected', async () => (await snapshot(agent)).calls[0]?.phase === 'active');
    expect((await extensionHears(agent, call?.id ?? '', 800)).level).toBeGreaterThan(0.01);
    await until('the provider hung up', async () => (await snapshot(agent)).calls.length === 0, 15_000);
    await until('a diagnosis', async () => (await snapshot(agent)).lineTest?.phase === 'done', 20_000);
    const text = await lineTestText();
    expect(text).toMatch(/^Rang here after \d+\.\d+ s and on \+15550109001 after \d+\.\d+ s; you answered here\.$/);
    // A test call is not a missed call, nor one of the agent's recent calls.
    expect((await snapshot(agent)).missed.count).toBe(0);
    expect(await popup.getByRole('list', { name: 'Recent calls' }).count()).toBe(0);
  });

  it('a forwarding phone that answers at once (off or busy, its own voicemail): the trap of rule R3 is named', async () => {
    await lab.setCellMode('answer-at-once');
    await popup.getByRole('button', { name: 'Test my line' }).click();
    await popup.getByRole('region', { name: 'Incoming call' }).waitFor();
    // Nobody answers here: vPhone voicemail takes the call at the ring timeout.
    await until('a diagnosis', async () => (await snapshot(agent)).lineTest?.phase === 'done', RING_TIMEOUT_S * 1000 + 20_000);
    const text = await lineTestText();
    expect(text).toMatch(/Rang here after \d+\.\d+ s and on \+15550109001 after \d+\.\d+ s; nobody answered, so voicemail answered after \d+\.\d+ s\./);
    expect(text).toMatch(/Your forwarding phone answered after \d+\.\d+ s, before anyone could press 1/);
    expect(await lineTest().getAttribute('class')).toContain('warn');
    expect((await snapshot(agent)).missed.count).toBe(0);
  });
});

describe('a message left after a call that rang here', () => {
  it('declined from the notification, the caller leaves a message: the checks after the call find it, not the watchdog', async () => {
    // The watchdog an hour away: only the checks that follow an unanswered call can find the message in time.
    await (await agent.worker()).evaluate(() => chrome.storage.local.set({ tuning: { watchdogMinutes: 60 } }));
    await lab.setRouting(ALICE.user, { forwardingEnabled: false });
    await lab.clearVoicemail(ALICE.user);
    await popup.goto('about:blank'); // The popup is closed.
    const t0 = Date.now();
    const callerId = await lc.call(ALICE.number, 'Dora Declined');
    // The popup is closed: the call is known by its notification (a page would ask the worker, and opening one re-reads voicemail).
    const shown = await until('its notification', async () => Object.keys(await notifications(agent)).find((id) => id.startsWith(CALL_NOTIFICATION_PREFIX)));
    await clickNotificationButton(agent, shown, 1); // Decline
    await lc.waitFor('voicemail answers', (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= t0, 10_000);
    await popup.waitForTimeout(2500); // The caller speaks.
    await lc.hangup(callerId);
    await until('the lab recorded it', async () => (await lab.voicemailMessages(ALICE.user)).length === 1, 15_000);
    const notice = await until('a new-voicemail notification', async () => (await notifications(agent)).voicemail, MESSAGE_CHECKS_MS[1]);
    expect(notice.message).toContain('Dora Declined');
    expect(await badgeTitle()).toContain('1 new voicemail');
  });
});
