import { describe, expect, it } from 'vitest';
import { arrivals, formatDuration, newMessageCount, parseMessages, VOICEMAIL_LIMIT } from '../../../src/shared/voicemail';

const msg = (id: string, at: string, heard = false) => ({ id, from: '+15550100001', fromName: 'Carol Caller', receivedAt: at, durationSeconds: 12.4, heard });

describe('voicemail messages from the provider', () => {
  it('newest first, times parsed, caller identity made safe, lengths rounded', () => {
    const list = parseMessages({ messages: [msg('a', '2026-12-01T10:00:00Z'), { ...msg('b', '2026-12-01T11:00:00Z'), fromName: 'Eve\u202e\u0000 Evil', from: '+1555<script>' }] });
    expect(list?.map((m) => m.id)).toEqual(['b', 'a']);
    expect(list?.[0]).toMatchObject({ fromName: 'Eve Evil', from: '+1555script', durationSeconds: 12, receivedAt: Date.parse('2026-12-01T11:00:00Z') });
  });

  it('drops entries it cannot show (not the whole list), duplicates too; bounded', () => {
    const list = parseMessages({ messages: [msg('ok', '2026-12-01T10:00:00Z'), msg('ok', '2026-12-01T10:00:00Z'), { ...msg('x y', '2026-12-01T10:00:00Z') }, { ...msg('late', 'yesterday') }, { ...msg('long', '2026-12-01T10:00:00Z'), durationSeconds: 1e9 }] });
    expect(list?.map((m) => m.id)).toEqual(['ok']);
    const many = parseMessages({ messages: Array.from({ length: 500 }, (_, i) => msg(`m${i}`, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString())) });
    expect(many).toHaveLength(VOICEMAIL_LIMIT);
    expect(many?.[0]?.id).toBe('m499');
    expect(parseMessages({ messages: 'nope' })).toBeNull();
  });

  it('counts new ones, and tells which arrived', () => {
    const before = parseMessages({ messages: [msg('a', '2026-12-01T10:00:00Z', true)] }) ?? [];
    const after = parseMessages({ messages: [msg('a', '2026-12-01T10:00:00Z', true), msg('b', '2026-12-01T11:00:00Z')] }) ?? [];
    expect(newMessageCount(after)).toBe(1);
    expect(arrivals(before, after).map((m) => m.id)).toEqual(['b']);
    expect(arrivals(after, after)).toEqual([]);
    expect(formatDuration(125)).toBe('2:05');
  });
});
