import { describe, expect, it } from 'vitest';
import { CallBook } from '../../../src/offscreen/call-book';
import type { IncomingCall } from '../../../src/offscreen/incoming-call';

const fakeCall = (id: string, phase: string, held = false) => ({ id, phase, view: { held } }) as unknown as IncomingCall;

describe('the engine call book', () => {
  it('rings the first call, waits the second during a call, refuses a third', () => {
    const book = new CallBook();
    expect(book.admit(true)).toBe('ring');
    book.add(fakeCall('a', 'active'));
    expect(book.admit(true)).toBe('waiting');
    expect(book.admit(false)).toBe('busy'); // call waiting off: 486 at once
    book.add(fakeCall('b', 'ringing'));
    expect(book.admit(true)).toBe('busy');
  });
  it('a second call while the first still rings is refused (its other routes take it)', () => {
    const book = new CallBook();
    book.add(fakeCall('a', 'ringing'));
    expect(book.admit(true)).toBe('busy');
  });
  it('knows which other calls must be held before talking to one', () => {
    const book = new CallBook();
    const a = fakeCall('a', 'active');
    const b = fakeCall('b', 'active', true);
    const c = fakeCall('c', 'ringing');
    [a, b, c].forEach((x) => book.add(x));
    expect(book.talkingExcept(c)).toEqual([a]);
    expect(book.talkingExcept(a)).toEqual([]);
    expect(book.remove(a)).toBe(true);
    expect(book.remove(a)).toBe(false);
    expect(book.get('a')).toBeNull();
  });
});
