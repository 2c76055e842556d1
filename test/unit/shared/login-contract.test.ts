import { describe, expect, it } from 'vitest';
import { loginErrorFor, parseLoginGrant, parseServerUrl } from '../../../src/shared/login-contract';
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
