import { describe, expect, it } from 'vitest';
import { newCall, reduceCall, type CallView } from '../../../src/shared/call-state';
import { lossPercent, qualityIssues, QUALITY_THRESHOLDS } from '../../../src/shared/call-quality';
import { sipDomainOf, transferUri } from '../../../src/shared/transfer-target';
import { describeCallStatus } from '../../../src/shared/text';

const ringing = newCall({ id: 'c1', remoteName: 'Carol', remoteNumber: '+1555', startedAt: 1 });
const active: CallView = reduceCall(reduceCall(ringing, { type: 'answer' }), { type: 'confirmed', at: 5 });

describe('the call state machine with flags', () => {
  it('answers, confirms once, and keeps the first answer time', () => {
    expect(active).toMatchObject({ phase: 'active', answeredAt: 5 });
    expect(reduceCall(active, { type: 'confirmed', at: 9 }).answeredAt).toBe(5);
  });
  it('mute, hold and held-by-the-caller are flags, not phases', () => {
    const held = reduceCall(reduceCall(reduceCall(active, { type: 'muted', on: true }), { type: 'held', on: true }), { type: 'remote-held', on: true });
    expect(held).toMatchObject({ phase: 'active', muted: true, held: true, remoteHeld: true });
    expect(describeCallStatus(held)).toBe('On hold (both sides)');
    expect(describeCallStatus({ ...active, remoteHeld: true })).toBe('On hold by the caller');
  });
  it('refuses flags on a call that is not answered, and any move after the end', () => {
    expect(() => reduceCall(ringing, { type: 'held', on: true })).toThrow(/no transition/);
    expect(() => reduceCall(ringing, { type: 'muted', on: true })).toThrow(/no transition/);
    const ended = reduceCall(active, { type: 'ended', reason: 'remote-hangup' });
    expect(() => reduceCall(ended, { type: 'answer' })).toThrow(/no transition/);
    expect(() => reduceCall(ended, { type: 'muted', on: false })).toThrow(/no transition/);
  });
  it('a transfer in flight is cleared when the call ends as transferred', () => {
    const trying = reduceCall(active, { type: 'transfer', transfer: { target: '+1 555 0100', status: 'trying' } });
    expect(describeCallStatus(trying)).toBe('Transferring to +1 555 0100…');
    expect(reduceCall(trying, { type: 'ended', reason: 'transferred' })).toMatchObject({ phase: 'ended', endReason: 'transferred', transfer: null });
  });
  it('unchanged quality keeps the same object (no needless fact)', () => {
    const q = reduceCall(active, { type: 'quality', issues: ['loss'] });
    expect(reduceCall(q, { type: 'quality', issues: ['loss'] })).toBe(q);
  });
});

describe('call quality thresholds', () => {
  const good = { roundTripMs: 40, jitterMs: 5, packetsReceived: 1000, packetsLost: 0 };
  it('a good line has no warning', () => {
    expect(qualityIssues(null, good)).toEqual([]);
  });
  it('warns past each published threshold, not at it', () => {
    expect(qualityIssues(null, { ...good, roundTripMs: QUALITY_THRESHOLDS.roundTripMs })).toEqual([]);
    expect(qualityIssues(null, { ...good, roundTripMs: 401 })).toEqual(['latency']);
    expect(qualityIssues(null, { ...good, jitterMs: 31 })).toEqual(['jitter']);
  });
  it('loss is measured between samples, so old losses age out', () => {
    const before = { ...good, packetsReceived: 1000, packetsLost: 100 };
    expect(lossPercent(before, { ...good, packetsReceived: 1100, packetsLost: 100 })).toBe(0);
    expect(qualityIssues(before, { ...good, packetsReceived: 1096, packetsLost: 104 })).toEqual(['loss']);
    expect(lossPercent(before, before)).toBeNull();
  });
});

describe('transfer targets', () => {
  it('dials what the agent types in the account domain, without punctuation', () => {
    expect(transferUri('(555) 010-0002', 'vphone.lab')).toBe('sip:5550100002@vphone.lab');
    expect(transferUri('+1 555 010 0002', 'vphone.lab')).toBe('sip:+15550100002@vphone.lab');
    expect(transferUri('colleague', 'vphone.lab')).toBe('sip:colleague@vphone.lab');
  });
  it('takes a full sip: URI as it is, and refuses header injection', () => {
    expect(transferUri('sip:bob@example.com', 'vphone.lab')).toBe('sip:bob@example.com');
    expect(transferUri('sip:bob@example.com>\r\nX-Evil: 1', 'vphone.lab')).toBeNull();
    expect(transferUri('bob;x=1', 'vphone.lab')).toBeNull();
    expect(transferUri('', 'vphone.lab')).toBeNull();
  });
  it('finds the account domain', () => {
    expect(sipDomainOf('sip:alice@vphone.lab')).toBe('vphone.lab');
    expect(sipDomainOf('nonsense')).toBeNull();
  });
});
