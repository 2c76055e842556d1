import { describe, expect, it } from 'vitest';
import { isMessageFor, message } from '../../../src/shared/protocol';

describe('message guards', () => {
  it('accepts well-formed messages for their target', () => {
    expect(isMessageFor('background', message('background', 'login', { server: 'https://x', username: 'a', password: 'b' }))).toBe(true);
    expect(isMessageFor('background', message('background', 'answer', { callId: 'abc' }))).toBe(true);
    expect(isMessageFor('offscreen', message('offscreen', 'engine-state', {}))).toBe(true);
  });
  it('rejects messages for another target', () => {
    expect(isMessageFor('offscreen', message('background', 'get-snapshot', {}))).toBe(false);
  });
  it('rejects unknown types, including inherited property names', () => {
    expect(isMessageFor('background', { target: 'background', type: 'format-disk' })).toBe(false);
    expect(isMessageFor('background', { target: 'background', type: 'constructor' })).toBe(false);
    expect(isMessageFor('background', { target: 'background', type: '__proto__' })).toBe(false);
  });
  it('rejects wrong payload types', () => {
    expect(isMessageFor('background', { target: 'background', type: 'set-softphone', enabled: 'yes' })).toBe(false);
    expect(isMessageFor('background', { target: 'background', type: 'answer', callId: '' })).toBe(false);
    expect(isMessageFor('background', { target: 'background', type: 'login', server: 'x', username: 1, password: 'p' })).toBe(false);
    expect(isMessageFor('background', { target: 'background', type: 'engine-fact', fact: { kind: 'registered' } })).toBe(false);
  });
  it('rejects non-objects', () => {
    for (const v of [null, undefined, 'login', 42, []]) expect(isMessageFor('background', v)).toBe(false);
  });
});
