import { describe, expect, it } from 'vitest';
import { isMessageFor, message } from '../../../src/shared/protocol';

describe('message guards', () => {
  it('accepts well-formed messages for their target', () => {
    expect(isMessageFor('background', message('background', 'login', { server: 'https://x', username: 'a', password: 'b' }))).toBe(true);
    expect(isMessageFor('background', message('background', 'call-op', { callId: 'abc', op: { kind: 'answer' } }))).toBe(true);
    expect(isMessageFor('offscreen', message('offscreen', 'engine-call', { callId: 'abc', op: { kind: 'dtmf', tones: '12#' } }))).toBe(true);
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
    expect(isMessageFor('background', { target: 'background', type: 'call-op', callId: '', op: { kind: 'answer' } })).toBe(false);
    expect(isMessageFor('background', { target: 'background', type: 'login', server: 'x', username: 1, password: 'p' })).toBe(false);
    expect(isMessageFor('background', { target: 'background', type: 'engine-fact', fact: { kind: 'registered' } })).toBe(false);
  });
  it('checks every call operation in one guard', () => {
    const op = (o: unknown) => isMessageFor('background', { target: 'background', type: 'call-op', callId: 'c1', op: o });
    expect(op({ kind: 'mute', on: true })).toBe(true);
    expect(op({ kind: 'hold', on: false })).toBe(true);
    expect(op({ kind: 'transfer', target: '+1 555 010 0002' })).toBe(true);
    expect(op({ kind: 'mute' })).toBe(false);
    expect(op({ kind: 'dtmf', tones: '12a' })).toBe(false);
    expect(op({ kind: 'dtmf', tones: '' })).toBe(false);
    expect(op({ kind: 'transfer', target: ' ' })).toBe(false);
    expect(op({ kind: 'transfer', target: 'x'.repeat(300) })).toBe(false);
    expect(op({ kind: 'conference' })).toBe(false);
    expect(op('answer')).toBe(false);
  });
  it('refuses call ids that cannot be ours (a caller-sized Call-ID)', () => {
    expect(isMessageFor('background', { target: 'background', type: 'call-op', callId: 'x'.repeat(5000), op: { kind: 'hangup' } })).toBe(false);
  });
  it('rejects non-objects', () => {
    for (const v of [null, undefined, 'login', 42, []]) expect(isMessageFor('background', v)).toBe(false);
  });
});
