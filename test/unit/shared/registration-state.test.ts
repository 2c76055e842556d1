import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../../src/shared/errors';
import { canReceiveCalls, nextRegistrationState, REGISTRATION_STATES, type RegistrationEvent, type RegistrationState } from '../../../src/shared/registration-state';

describe('registration state machine', () => {
  const table: Array<[RegistrationState, RegistrationEvent, RegistrationState]> = [
    ['off', 'enable', 'registering'],
    ['registering', 'registered', 'registered'],
    ['registering', 'failed', 'unreachable'],
    ['registering', 'mic-missing', 'mic-needed'],
    ['mic-needed', 'mic-granted', 'registering'],
    ['registered', 'registered', 'registered'],
    ['registered', 'lost', 'recovering'],
    ['recovering', 'registered', 'registered'],
    ['recovering', 'failed', 'unreachable'],
    ['unreachable', 'registered', 'registered'],
    ['unreachable', 'enable', 'registering'],
    ['registered', 'expired', 'session-expired'],
    ['session-expired', 'disable', 'off'],
    ['session-expired', 'registered', 'session-expired'],
  ];
  it.each(table)('%s --%s--> %s', (from, event, to) => {
    expect(nextRegistrationState(from, event)).toBe(to);
  });

  it('every state can be switched off', () => {
    for (const state of REGISTRATION_STATES) expect(nextRegistrationState(state, 'disable')).toBe('off');
  });

  it('rejects illegal moves with a named error', () => {
    expect(() => nextRegistrationState('off', 'lost')).toThrow(IllegalTransitionError);
    expect(() => nextRegistrationState('off', 'mic-granted')).toThrow(/no transition from "off" on "mic-granted"/);
  });

  it('adopts a registered engine and an expiry from off without a detour through "registering"', () => {
    expect(nextRegistrationState('off', 'registered')).toBe('registered');
    expect(nextRegistrationState('off', 'expired')).toBe('session-expired');
  });

  it('only "registered" can receive calls', () => {
    expect(REGISTRATION_STATES.filter(canReceiveCalls)).toEqual(['registered']);
  });
});
