import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loginErrorFor, MAX_RETRY_AFTER_SECONDS, parseLoginGrant, parseServerUrl } from '../../../src/shared/login-contract';
import { goodGrant } from '../../fakes/grant';


describe('server URL', () => {
  it('requires https, allowing http only for loopback', () => {
    expect(parseServerUrl('https://api.example.test/')).toEqual({ ok: true, url: 'https://api.example.test' });
    expect(parseServerUrl(' http://127.0.0.1:8787 ')).toEqual({ ok: true, url: 'http://127.0.0.1:8787' });
    expect(parseServerUrl('http://localhost:8787/base/')).toEqual({ ok: true, url: 'http://localhost:8787/base' });
    expect(parseServerUrl('http://api.example.test')).toEqual({ ok: false, error: 'invalid_server_url' });
  });
  it('rejects malformed or surprising URLs', () => {
    for (const bad of ['', 'api.example.test', 'ftp://x', 'https://user:pw@x.test', 'https://x.test/?a=1', 'javascript:alert(1)']) {
      expect(parseServerUrl(bad).ok).toBe(false);
    }
  });
});

describe('login response', () => {
  it('accepts the contract', () => {
    const out = parseLoginGrant(goodGrant);
    expect(out.ok && out.grant.account.name).toBe('Alice Agent');
  });
  it('allows plain ws only on loopback', () => {
    const lab = { ...goodGrant, sip: { ...goodGrant.sip, wsUris: ['ws://127.0.0.1:8088'] } };
    expect(parseLoginGrant(lab).ok).toBe(true);
    const remote = { ...goodGrant, sip: { ...goodGrant.sip, wsUris: ['ws://sip.example.test'] } };
    expect(parseLoginGrant(remote)).toMatchObject({ ok: false, error: 'bad_response', detail: 'sip.wsUris' });
  });
  it.each([
    ['no account', { ...goodGrant, account: undefined }, 'account'],
    ['no password', { ...goodGrant, sip: { ...goodGrant.sip, password: '' } }, 'sip credentials'],
    ['bad expiry', { ...goodGrant, sip: { ...goodGrant.sip, expiresAt: 'tomorrow' } }, 'sip.expiresAt'],
    ['bad uri', { ...goodGrant, sip: { ...goodGrant.sip, uri: 'alice' } }, 'sip.uri'],
    ['bad routing', { ...goodGrant, routing: { ...goodGrant.routing, forwardingEnabled: 'yes' } }, 'routing'],
  ])('%s is a bad response', (_name, body, detail) => {
    expect(parseLoginGrant(body)).toMatchObject({ ok: false, error: 'bad_response', detail });
  });
  it('maps error answers to codes', () => {
    expect(loginErrorFor(401, { error: 'invalid_credentials' })).toMatchObject({ error: 'invalid_credentials' });
    expect(loginErrorFor(403, { error: 'account_locked' })).toMatchObject({ error: 'account_locked' });
    expect(loginErrorFor(429, { error: 'too_many_attempts', retryAfterSeconds: 41.2 })).toEqual({ ok: false, error: 'too_many_attempts', retryAfterSeconds: 42 });
    expect(loginErrorFor(502, null)).toMatchObject({ error: 'server_unreachable' });
    expect(loginErrorFor(404, null)).toMatchObject({ error: 'bad_response' });
  });
});

describe('a login answer has limits', () => {
  const base = () => structuredClone(goodGrant) as unknown as { account: Record<string, unknown>; sip: Record<string, unknown>; routing: Record<string, unknown> };
  const detail = (body: unknown) => {
    const r = parseLoginGrant(body);
    return r.ok ? 'ok' : r.detail;
  };
  it('refuses huge names, endless lists and ICE servers of any scheme', () => {
    const big = base();
    big.account.name = 'x'.repeat(1_000_000);
    expect(detail(big)).toBe('account');
    const many = base();
    many.sip.wsUris = Array.from({ length: 100_000 }, () => 'wss://edge.example.com');
    expect(detail(many)).toBe('sip.wsUris');
    const ice = base();
    ice.sip.iceServers = Array.from({ length: 10_000 }, () => ({ urls: 'stun:stun.example.com' }));
    expect(detail(ice)).toBe('sip.iceServers');
    for (const urls of ['http://evil.example.com', 'javascript:alert(1)', ['stun:ok.example.com', 'file:///etc/passwd']]) {
      const odd = base();
      odd.sip.iceServers = [{ urls }];
      expect(detail(odd), JSON.stringify(urls)).toBe('sip.iceServers');
    }
    const fine = base();
    fine.sip.iceServers = [{ urls: ['stun:a.example.com', 'turns:b.example.com:443?transport=tcp'], username: 'u', credential: 'c' }];
    expect(detail(fine)).toBe('ok');
  });
  it('refuses CR/LF and other controls where they would reach our SIP headers', () => {
    const name = base();
    name.sip.displayName = 'Alice\r\nX-Injected: 1';
    expect(detail(name)).toBe('sip.displayName');
    const user = base();
    user.sip.authorizationUser = '1:alice\r\nVia: evil';
    expect(detail(user)).toBe('sip credentials');
  });
  it('requires a future ISO time for expiresAt', () => {
    const past = base();
    past.sip.expiresAt = '2001-01-01T00:00:00Z';
    expect(detail(past)).toBe('sip.expiresAt');
    const loose = base();
    loose.sip.expiresAt = 'Tuesday';
    expect(detail(loose)).toBe('sip.expiresAt');
  });
  it('clamps a 429 wait to something an agent can act on', () => {
    expect(loginErrorFor(429, { error: 'too_many_attempts', retryAfterSeconds: 1e12 })).toMatchObject({ retryAfterSeconds: MAX_RETRY_AFTER_SECONDS });
    expect(loginErrorFor(429, { error: 'too_many_attempts', retryAfterSeconds: -5 })).toMatchObject({ retryAfterSeconds: 1 });
    expect(loginErrorFor(429, { error: 'too_many_attempts', retryAfterSeconds: Number.NaN })).not.toHaveProperty('retryAfterSeconds');
  });
});

describe('the login parser under random bodies', () => {
  it('never throws, and anything but a valid grant is a typed bad_response', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), fc.constant(structuredClone(goodGrant)).chain((g) => fc.record({ sip: fc.anything() }).map((x) => ({ ...g, ...x })))), (body) => {
        const r = parseLoginGrant(body);
        if (!r.ok) expect(r).toMatchObject({ error: 'bad_response', detail: expect.any(String) });
      }),
      { numRuns: 2000 },
    );
    expect(parseLoginGrant(structuredClone(goodGrant)).ok).toBe(true);
  });
  it('maps any status and body to a typed error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.anything(), (status, body) => {
        const r = loginErrorFor(status, body);
        expect(r.ok).toBe(false);
        if (!r.ok && r.retryAfterSeconds !== undefined) expect(r.retryAfterSeconds).toBeLessThanOrEqual(MAX_RETRY_AFTER_SECONDS);
      }),
    );
  });
});
