/**
 * Interop: a real SIP phone nobody here wrote (baresip over UDP, G.711) calls
 * the agent; rtpengine, driven by Kamailio, bridges it to the extension's
 * WebRTC (ICE, DTLS-SRTP, rtcp-mux). Audio both ways, digits, hold, hang up
 * from either side, judged at the far end: the extension's heard level, and
 * baresip's own view of its stream and the digits it decoded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Baresip } from '../../scripts/lab/baresip';
import type { Lab } from '../../scripts/lab/lab';
import { extensionHears, grantMicrophone, launchAgent, signIn, snapshot, startTestLab, until, type Agent } from './harness';

const BOB = { user: 'bob', password: 'bob-password', name: 'Bob Builder', number: '+15550001002' };
const HEARD = 0.05;

let lab: Lab;
let agent: Agent;
let popup: Page;
let phone: Baresip;

/** baresip's view of its audio stream: direction and RTP counters. */
async function deskphoneAudio(): Promise<{ direction: string; packetsReceived: number }> {
  const text = await phone.command('audio_debug');
  return { direction: /audio dir=(\w+)/.exec(text)?.[1] ?? '', packetsReceived: Number(/rcvd=(\d+)/.exec(text)?.[1] ?? 0) };
}

async function deskphoneCalls(): Promise<string> {
  const since = Date.now();
  await phone.dial(BOB.number);
  const ringing = await until('the extension rings', async () => (await snapshot(agent)).calls.find((c) => c.phase === 'ringing'));
  await expect.poll(() => popup.getByRole('region', { name: 'Incoming call' }).textContent()).toContain('Desk Phone');
  await popup.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await phone.waitFor('CALL_ESTABLISHED', { since });
  await until('active in the extension', async () => (await snapshot(agent)).calls.find((c) => c.id === ringing.id && c.phase === 'active'));
  return ringing.id;
}

beforeAll(async () => {
  lab = await startTestLab('interop', { ringTimeoutSeconds: 25 });
  agent = await launchAgent();
  popup = agent.popup;
  await grantMicrophone(agent, agent.origin);
  await signIn(popup, lab.loginUrl, BOB.user, BOB.password);
  await until('signed in', async () => (await popup.getByLabel('Signed in account').textContent())?.includes(BOB.name));
  await popup.getByRole('switch', { name: 'Softphone' }).click();
  await until('ready', async () => (await snapshot(agent)).registration === 'registered');
  phone = await lab.startDeskphone();
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('a call from a SIP desk phone through rtpengine', () => {
  it('audio both ways, digits received by the phone, hold seen by the phone, the agent hangs up', async () => {
    const callId = await deskphoneCalls();
    // The agent hears the phone's 440 Hz tone; the phone receives the agent's audio.
    await until('the agent hears the desk phone', async () => (await extensionHears(agent, callId, 500)).level > HEARD, 5000, 0);
    const before = (await deskphoneAudio()).packetsReceived;
    await popup.waitForTimeout(1000);
    const after = await deskphoneAudio();
    expect(after.direction).toBe('sendrecv');
    expect(after.packetsReceived - before, 'the phone receives the agent (≈50 packets/s)').toBeGreaterThan(30);

    // Keypad → RFC 4733 through rtpengine → baresip decodes the digits.
    let since = Date.now();
    await popup.getByRole('button', { name: 'Keypad' }).click();
    const keypad = popup.getByRole('group', { name: 'Keypad' });
    for (const key of ['4', '2']) {
      await keypad.getByRole('button', { name: key, exact: true }).click();
      await popup.waitForTimeout(300);
    }
    await phone.waitFor('CALL_DTMF_START', { since, match: { param: '4' } });
    await phone.waitFor('CALL_DTMF_START', { since, match: { param: '2' } });

    // Hold: the phone's stream turns recvonly and the agent hears nothing; resume restores both.
    const hold = popup.getByRole('region', { name: 'Call in progress' }).getByRole('button', { name: 'Hold', exact: true });
    await hold.click();
    await until('the phone is on hold (recvonly)', async () => (await deskphoneAudio()).direction === 'recvonly', 5000);
    await until('the agent hears nothing on hold', async () => (await extensionHears(agent, callId, 500)).level < 0.002, 5000, 0);
    await hold.click();
    await until('the phone is resumed (sendrecv)', async () => (await deskphoneAudio()).direction === 'sendrecv', 5000);
    await until('the agent hears the phone again', async () => (await extensionHears(agent, callId, 500)).level > HEARD, 5000, 0);

    since = Date.now();
    await popup.getByRole('button', { name: 'Hang up' }).click();
    await phone.waitFor('CALL_CLOSED', { since });
    await until('call over in the extension', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('the desk phone hangs up: the extension ends the call as the caller hanging up', async () => {
    await deskphoneCalls();
    await phone.hangup();
    await until('call over in the extension', async () => (await snapshot(agent)).calls.length === 0);
    expect((await snapshot(agent)).lastCall?.endReason).toBe('remote-hangup');
    await expect.poll(() => popup.locator('.last-call').textContent()).toContain('The caller hung up');
  });
});
