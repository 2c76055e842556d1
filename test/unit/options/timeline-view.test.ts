import { describe, expect, it } from 'vitest';
import { describeEvent, timelineLines } from '../../../src/options/timeline-view';

describe('the connection timeline in words', () => {
  it('codes become sentences, with the reason in words', () => {
    expect(describeEvent({ at: 1, event: 'unreachable', detail: 'sip_transport_error' })).toBe('Cannot receive calls — Lost connection to the phone server.');
    expect(describeEvent({ at: 1, event: 'signed-in', detail: 'alice' })).toBe('Signed in as alice');
    expect(describeEvent({ at: 1, event: 'register-failed', detail: '403 Forbidden' })).toBe('The phone server refused the registration (403 Forbidden)');
  });

  it('newest first; a run of refreshes is one line with its count and since when', () => {
    const lines = timelineLines([
      { at: 1, event: 'registered', detail: '' },
      { at: 2, event: 'register-ok', detail: '' },
      { at: 3, event: 'register-ok', detail: '' },
      { at: 4, event: 'register-ok', detail: '' },
      { at: 5, event: 'transport-lost', detail: '' },
    ]);
    expect(lines.map((l) => [l.text, l.count, l.since, l.at])).toEqual([
      ['Connection to the phone server lost', 1, 5, 5],
      ['The phone server confirmed the registration', 3, 2, 4],
      ['Ready to receive calls', 1, 1, 1],
    ]);
  });
});
