import { describe, expect, it } from 'vitest';
import { endReasonFor, isAnsweredElsewhere, nextCallPhase } from '../../../src/shared/call-state';

describe('call phases', () => {
  it('follows ringing → answering → active → ended', () => {
    expect(nextCallPhase('ringing', 'answer')).toBe('answering');
    expect(nextCallPhase('answering', 'confirmed')).toBe('active');
    expect(nextCallPhase('active', 'hangup')).toBe('ended');
  });
  it('cannot answer a call that ended', () => {
    expect(() => nextCallPhase('ended', 'answer')).toThrow(/no transition/);
  });
});

describe('end reasons', () => {
  const base = { originator: 'remote' as const, phaseWhenEnded: 'ringing' as const, cause: 'Canceled', answeredElsewhere: false, declinedLocally: false };
  it('a caller who gives up while ringing is a missed call', () => {
    expect(endReasonFor(base)).toBe('missed');
  });
  it('a CANCEL with cause 200 is answered elsewhere, not missed', () => {
    expect(endReasonFor({ ...base, answeredElsewhere: true })).toBe('answered-elsewhere');
  });
  it('Decline is declined whatever JsSIP calls the cause', () => {
    expect(endReasonFor({ ...base, originator: 'local', cause: 'Busy', declinedLocally: true })).toBe('declined');
  });
  it('tells who hung up an active call', () => {
    expect(endReasonFor({ ...base, phaseWhenEnded: 'active', cause: 'Terminated' })).toBe('remote-hangup');
    expect(endReasonFor({ ...base, phaseWhenEnded: 'active', originator: 'local', cause: 'Terminated' })).toBe('local-hangup');
    expect(endReasonFor({ ...base, phaseWhenEnded: 'active', originator: 'system', cause: 'RTP Timeout' })).toBe('failed');
  });
  it('a failure while answering is a failed call', () => {
    expect(endReasonFor({ ...base, phaseWhenEnded: 'answering', cause: 'WebRTC Error' })).toBe('failed');
  });
});

describe('Reason header (RFC 3326)', () => {
  it.each([
    ['SIP;cause=200;text="Call completed elsewhere"', true],
    ['SIP ; cause = 200', true],
    ['Q.850;cause=16, SIP;cause=200', true],
    ['SIP;cause=487', false],
    ['Q.850;cause=200', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => {
    expect(isAnsweredElsewhere(header)).toBe(expected);
  });
});
