import { describe, expect, it } from 'vitest';
import { checkRouting, routingOutcome, toE164 } from '../../../src/shared/routing-contract';
import { popupView } from '../../../src/popup/view-model';
import { fakeWorker } from '../../fakes/worker';

const VPHONE = '+15550001001';

describe('what agents type becomes E.164', () => {
  it.each([
    ['(555) 010-1234', '+15550101234'],
    ['555.010.1234', '+15550101234'],
    ['1 555 010 1234', '+15550101234'],
    ['+44 20 7946 0018', '+442079460018'],
    ['0044 20 7946 0018', '+442079460018'],
    ['12ab', '12ab'],
  ])('%s → %s', (typed, e164) => expect(toE164(typed, VPHONE)).toBe(e164));
});

describe('the extension checks a routing change first', () => {
  it('refuses a bad number, the vPhone number itself (R6, even with forwarding off), and forwarding without a number', () => {
    expect(checkRouting({ forwardingNumber: '12ab', forwardingEnabled: true, voicemailEnabled: true }, VPHONE)).toBe('invalid_number');
    expect(checkRouting({ forwardingNumber: VPHONE, forwardingEnabled: false, voicemailEnabled: true }, VPHONE)).toBe('forwarding_is_vphone_number');
    expect(checkRouting({ forwardingNumber: null, forwardingEnabled: true, voicemailEnabled: true }, VPHONE)).toBe('forwarding_needs_number');
    expect(checkRouting({ forwardingNumber: '+15550109001', forwardingEnabled: true, voicemailEnabled: false }, VPHONE)).toBeNull();
  });
  it('maps the provider answers, field included', () => {
    expect(routingOutcome(422, { error: 'forwarding_is_vphone_number', field: 'forwardingNumber' })).toEqual({ ok: false, error: 'forwarding_is_vphone_number', field: 'forwardingNumber' });
    expect(routingOutcome(401, { error: 'session_expired' })).toEqual({ ok: false, error: 'session_expired' });
    expect(routingOutcome(404, null)).toEqual({ ok: false, error: 'routing_unsupported' });
    expect(routingOutcome(200, { forwardingNumber: 'nope', forwardingEnabled: true, voicemailEnabled: true, ringTimeoutSeconds: 28 })).toEqual({ ok: false, error: 'bad_response' });
  });
});

describe('routing in the worker', () => {
  it('saves a typed number as E.164; the popup summary follows at once', async () => {
    const w = fakeWorker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    expect(await w.routing.save({ forwardingNumber: '(555) 010-9002', forwardingEnabled: true, voicemailEnabled: false })).toEqual({ ok: true });
    expect(w.provider.requests.at(-1)).toEqual({ forwardingNumber: '+15550109002', forwardingEnabled: true, voicemailEnabled: false });
    expect(w.store.get().routing).toMatchObject({ forwardingNumber: '+15550109002', voicemailEnabled: false });
    expect(popupView(w.store.get(), '').routing?.lines).toContain('Calls also ring +15550109002.');
  });
  it('a mistake is refused before anything is sent, with its field', async () => {
    const w = fakeWorker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    expect(await w.routing.save({ forwardingNumber: '+15550001001', forwardingEnabled: true, voicemailEnabled: true })).toMatchObject({ ok: false, error: 'forwarding_is_vphone_number', field: 'forwardingNumber' });
    expect(w.provider.requests).toEqual([]);
  });
  it('a refused token is an expired session; a provider without the API leaves routing read-only', async () => {
    const w = fakeWorker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    expect(w.store.get().routingEditable).toBe(true);
    w.provider.next = { ok: false, error: 'routing_unsupported' };
    await w.routing.refresh();
    expect(w.store.get().routingEditable).toBe(false);
    w.provider.next = { ok: false, error: 'session_expired' };
    await w.routing.refresh();
    expect(w.store.get()).toMatchObject({ login: 'signed-out', registration: 'session-expired' });
  });
});
