import { newCall } from '../../../src/shared/call-state';
import { describe, expect, it } from 'vitest';
import { badgeFor } from '../../../src/background/badge';
import { initialSnapshot, type Snapshot } from '../../../src/shared/snapshot';
import { formatDuration, popupView } from '../../../src/popup/view-model';

const signedIn = (over: Partial<Snapshot> = {}): Snapshot => ({
  ...initialSnapshot(0),
  login: 'signed-in',
  account: { id: 'a', name: 'Alice Agent', email: 'a@x', vPhoneNumber: '+15550001001', username: 'alice', server: 'http://127.0.0.1:8787' },
  ...over,
});

describe('popup view', () => {
  it('signed out: the sign-in form, prefilled from the last sign-in', () => {
    const v = popupView({ ...initialSnapshot(0), lastLogin: { server: 'https://api.x', username: 'alice' }, loginError: 'invalid_credentials' }, 'http://127.0.0.1:8787');
    expect(v.screen).toBe('sign-in');
    expect(v.signIn).toMatchObject({ server: 'https://api.x', username: 'alice', error: 'Wrong username or password.' });
  });
  it('uses the build default server on first use', () => {
    expect(popupView(initialSnapshot(0), 'https://default.x').signIn.server).toBe('https://default.x');
  });
  it('always names the signed-in account', () => {
    expect(popupView(signedIn(), '').account).toEqual({ name: 'Alice Agent', number: '+15550001001', login: 'alice · 127.0.0.1:8787' });
  });
  it('says "Ready to receive calls" only when registered', () => {
    expect(popupView(signedIn({ softphoneEnabled: true, registration: 'registered' }), '').status).toMatchObject({ text: 'Ready to receive calls', tone: 'ok' });
    expect(popupView(signedIn({ softphoneEnabled: true, registration: 'registering', outage: { since: 0, kind: 'starting' } }), '', 100).status.tone).toBe('busy');
    expect(popupView(signedIn({ softphoneEnabled: true, registration: 'off' }), '').status.text).not.toContain('Ready');
  });
  it('gives the reason when calls cannot ring here', () => {
    const v = popupView(signedIn({ softphoneEnabled: true, registration: 'mic-needed', registrationError: 'mic_denied' }), '');
    expect(v.status).toMatchObject({
      text: 'Microphone access needed',
      tone: 'bad',
      detail: expect.stringContaining('Microphone access is blocked for this extension.'),
      action: 'Allow microphone',
    });
    expect(popupView(signedIn({ softphoneEnabled: true, registration: 'unreachable' }), '').status.action).toBe('Reconnect now');
    expect(popupView(signedIn({ softphoneEnabled: true, registration: 'registered' }), '').status.action).toBeNull();
  });
  it('shows the ringing call with the caller as given', () => {
    const v = popupView(signedIn({ calls: [newCall({ id: 'c', remoteName: '<b>x</b>', remoteNumber: '+1', startedAt: 0 })] }), '');
    expect(v.calls).toMatchObject([{ kind: 'ringing', region: 'Incoming call', answerLabel: 'Answer', name: '<b>x</b>', number: '+1' }]);
  });
  it('offers to stay signed in only in the last minutes before expiry', () => {
    const endsAt = Date.parse('2030-01-01T12:00:00Z');
    const s = signedIn({ sessionExpiresAt: '2030-01-01T12:00:00Z' });
    expect(popupView(s, '', endsAt - 60 * 60_000).renew).toBeNull();
    expect(popupView(s, '', endsAt - 5 * 60_000).renew).toEqual({ endsAt, server: 'http://127.0.0.1:8787', username: 'alice' });
  });
  it('an expired session is said once on the sign-in form, not also as an error', () => {
    const v = popupView({ ...initialSnapshot(0), loginError: 'session_expired' }, '');
    expect(v.signIn.expired).toContain('Your session expired');
    expect(v.signIn.error).toBeNull();
  });
  it('switching on while the server does not answer: "Connecting…", then the fix, then red with where calls go', () => {
    const s = signedIn({ softphoneEnabled: true, registration: 'registering', outage: { since: 0, kind: 'starting' } });
    expect(popupView(s, '', 1000).status).toMatchObject({ text: 'Connecting to the phone server…', tone: 'busy', action: null });
    expect(popupView(s, '', 6000).status).toMatchObject({ text: 'Connecting to the phone server…', action: 'Reconnect now' });
    expect(popupView(s, '', 21_000).status).toMatchObject({ text: 'Cannot receive calls', tone: 'bad', action: 'Reconnect now' });
    expect(popupView(s, '', 21_000).status.detail).toContain('For 21 s.');
  });
  it('after expiry, says where calls go meanwhile', () => {
    const routing = { forwardingNumber: '+15550109001', forwardingEnabled: true, voicemailEnabled: true, ringTimeoutSeconds: 28 };
    const v = popupView({ ...initialSnapshot(0), registration: 'session-expired', routing }, '');
    expect(v.signIn.expired).toBe('Your session expired. Sign in again to receive calls. Calls ring +15550109001, then voicemail, meanwhile.');
    const none = popupView({ ...initialSnapshot(0), loginError: 'session_expired', routing: { ...routing, forwardingEnabled: false } }, '');
    expect(none.signIn.expired).toContain('Calls go straight to voicemail meanwhile.');
  });
  it('formats durations', () => {
    expect(formatDuration(65_400)).toBe('1:05');
    expect(formatDuration(-5)).toBe('0:00');
  });
});

describe('badge', () => {
  it('tells the states apart at a glance', () => {
    const texts = [
      badgeFor(signedIn({ softphoneEnabled: true, registration: 'registered' }), 0).text,
      badgeFor(signedIn({ softphoneEnabled: false, registration: 'off' }), 0).text,
      badgeFor(signedIn({ softphoneEnabled: true, registration: 'recovering' }), 0).text,
      badgeFor(signedIn({ softphoneEnabled: true, registration: 'unreachable' }), 0).text,
      badgeFor(initialSnapshot(0), 0).text,
    ];
    expect(texts).toEqual(['ON', 'OFF', '…', '!', '']);
    expect(badgeFor(signedIn({ softphoneEnabled: true, registration: 'registered' }), 0).title).toContain('Alice Agent');
  });
});
