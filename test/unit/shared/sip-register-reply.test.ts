import { describe, expect, it } from 'vitest';
import { listsContact, parseRegisterReply, parseRegisterRequest } from '../../../src/shared/sip-register-reply';

const reply = (status: string, contacts: string[], cseq = '7 REGISTER') =>
  [`SIP/2.0 ${status}`, 'Via: SIP/2.0/WSS x;branch=z9hG4bK1', `CSeq: ${cseq}`, ...contacts.map((c) => `Contact: ${c}`), 'Content-Length: 0', '', ''].join('\r\n');

describe('REGISTER on the wire', () => {
  it('reads a 200 OK and finds our contact among several', () => {
    const r = parseRegisterReply(reply('200 OK', ['<sip:other@x.invalid;transport=ws>;expires=60, <sip:abc123@abc123.invalid;transport=ws>;expires=120;+sip.instance="<urn:uuid:1>"']));
    expect(r).toMatchObject({ cseq: 7, status: 200, reason: 'OK' });
    expect(r?.contacts).toEqual(['sip:other@x.invalid;transport=ws', 'sip:abc123@abc123.invalid;transport=ws']);
    expect(r && listsContact(r, 'abc123')).toBe(true);
    expect(r && listsContact(r, 'abc')).toBe(false);
  });
  it('a 200 OK without our contact is noticed', () => {
    const r = parseRegisterReply(reply('200 OK', []));
    expect(r && listsContact(r, 'abc123')).toBe(false);
  });
  it('handles quoted commas, compact headers and folded lines', () => {
    const msg = ['SIP/2.0 200 OK', 'CSeq: 9 REGISTER', 'm: "Doe, J" <sip:me@h.invalid>', ' ;expires=30', '', ''].join('\r\n');
    expect(parseRegisterReply(msg)?.contacts).toEqual(['sip:me@h.invalid']);
  });
  it('ignores replies to other methods and requests', () => {
    expect(parseRegisterReply(reply('200 OK', [], '3 INVITE'))).toBeNull();
    expect(parseRegisterReply('INVITE sip:x SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n')).toBeNull();
    expect(parseRegisterReply('garbage')).toBeNull();
  });
  it('reads the CSeq of an outgoing REGISTER', () => {
    expect(parseRegisterRequest('REGISTER sip:vphone.lab SIP/2.0\r\nCSeq: 12 REGISTER\r\n\r\n')).toEqual({ cseq: 12 });
    expect(parseRegisterRequest('INVITE sip:x SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n')).toBeNull();
  });
  it('reads the reason phrase of a refusal', () => {
    expect(parseRegisterReply(reply('403 Credentials Expired', []))).toMatchObject({ status: 403, reason: 'Credentials Expired' });
  });
});
