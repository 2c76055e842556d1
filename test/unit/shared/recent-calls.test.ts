import { describe, expect, it } from 'vitest';
import { newCall, reduceCall } from '../../../src/shared/call-state';
import { outcomeFor, recentCallFor } from '../../../src/shared/recent-calls';

describe('recent calls', () => {
  it('one word for what happened', () => {
    expect(outcomeFor('missed', false)).toBe('Missed');
    expect(outcomeFor('declined', false)).toBe('Declined');
    expect(outcomeFor('answered-elsewhere', false)).toBe('Answered elsewhere');
    expect(outcomeFor('remote-hangup', true)).toBe('Answered');
    expect(outcomeFor('transferred', true)).toBe('Answered');
    expect(outcomeFor('failed', false)).toBe('Missed');
  });
  it('how long: from the answer to the end; never answered, no duration', () => {
    const ringing = newCall({ id: 'c', remoteName: 'Carol', remoteNumber: '+1', startedAt: 1000 });
    const answered = reduceCall(reduceCall(ringing, { type: 'answer' }), { type: 'confirmed', at: 3000 });
    expect(recentCallFor(answered, 'remote-hangup', 68_000)).toEqual({ id: 'c', name: 'Carol', number: '+1', at: 1000, durationMs: 65_000, outcome: 'Answered' });
    expect(recentCallFor(ringing, 'missed', 9000).durationMs).toBeNull();
  });
});
