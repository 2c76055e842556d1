/** The far-end probes' pure parts: SDP direction, RFC 4733 payloads, Refer-To, audio level arithmetic. */
import { describe, expect, it } from 'vitest';
import { AccountDirectory, demoAccounts } from '../../scripts/lab/accounts';
import { referTarget } from '../../scripts/lab/console/far-end';
import { levelBetween, levelWindowMs } from '../../scripts/lab/console/media-probe';
import { audioDirection } from '../../scripts/lab/console/sdp-direction';
import { decodeTelephoneEvent, TelephoneEventDeduper } from '../../scripts/lab/console/telephone-event';

const sdp = (...lines: string[]): string => ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', ...lines, ''].join('\r\n');

describe('audioDirection', () => {
  it('reads the audio section, then the session level, then defaults to sendrecv', () => {
    expect(audioDirection(sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=sendonly'))).toBe('sendonly');
    expect(audioDirection(sdp('a=inactive', 'm=audio 9 RTP/AVP 0'))).toBe('inactive');
    expect(audioDirection(sdp('a=sendonly', 'm=audio 9 RTP/AVP 0', 'a=recvonly'))).toBe('recvonly');
    expect(audioDirection(sdp('m=audio 9 RTP/AVP 0'))).toBe('sendrecv');
    expect(audioDirection(sdp('m=audio 9 RTP/AVP 0', 'a=sendrecv', 'm=video 9 RTP/AVP 96', 'a=inactive'))).toBe('sendrecv');
    expect(audioDirection(sdp('m=video 9 RTP/AVP 96', 'a=inactive'))).toBeNull();
  });
});

describe('decodeTelephoneEvent', () => {
  it('decodes digits, the end bit and the duration (bytes seen from Chromium for "5")', () => {
    expect(decodeTelephoneEvent(Uint8Array.from([5, 10, 3, 192]))).toEqual({ digit: '5', end: false, duration: 960 });
    expect(decodeTelephoneEvent(Uint8Array.from([5, 138, 7, 128]))).toEqual({ digit: '5', end: true, duration: 1920 });
    expect(decodeTelephoneEvent(Uint8Array.from([11, 0, 0, 160]))?.digit).toBe('#');
    expect(decodeTelephoneEvent(Uint8Array.from([10, 0, 0, 160]))?.digit).toBe('*');
    expect(decodeTelephoneEvent(Uint8Array.from([15, 0, 0, 160]))?.digit).toBe('D');
  });

  it('ignores non-DTMF events and short payloads', () => {
    expect(decodeTelephoneEvent(Uint8Array.from([16, 0, 0, 160]))).toBeNull();
    expect(decodeTelephoneEvent(Uint8Array.from([5, 0, 0]))).toBeNull();
  });

  it('counts one key press per event, even when end packets are restamped', () => {
    const presses = new TelephoneEventDeduper();
    const packets: Array<[number, string, boolean]> = [
      [100, '5', false], [100, '5', false], [100, '5', true], [100, '5', true],
      [900, '5', false], [900, '5', true], [960, '5', true], [990, '5', true], // a relay restamped the end packets
      [1500, '#', false], [1500, '#', true],
      [2000, '#', false],
    ];
    expect(packets.map(([ts, digit, end]) => presses.isNewPress(ts, { digit, end }))).toEqual([
      true, false, false, false,
      true, false, false, false,
      true, false,
      true,
    ]);
  });
});

describe('referTarget', () => {
  it('takes the URI out of a Refer-To value', () => {
    expect(referTarget('<sip:colleague@vphone.lab>')).toBe('sip:colleague@vphone.lab');
    expect(referTarget('"Colleague" <sip:+15550100002@vphone.lab;user=phone>;x=1')).toBe('sip:+15550100002@vphone.lab;user=phone');
    expect(referTarget('sip:bob@vphone.lab')).toBe('sip:bob@vphone.lab');
    expect(referTarget(undefined)).toBe('');
  });
});

describe('levelBetween', () => {
  const at = (energy: number, seconds: number, packets: number) => ({
    totalAudioEnergy: energy,
    totalSamplesDuration: seconds,
    packetsReceived: packets,
    bytesReceived: packets * 80,
  });

  it('is the RMS of what was played out in the window', () => {
    // A full-scale square wave: energy = 1 per second.
    expect(levelBetween(at(2, 2, 100), at(3.5, 3.5, 175))).toEqual({ level: 1, packetsReceived: 75, bytesReceived: 6000 });
    expect(levelBetween(at(2, 2, 100), at(2.25 * 0.01 + 2, 4.25, 212)).level).toBeCloseTo(0.1, 6);
  });

  it('reads 0 when nothing was played out or the far end was silent', () => {
    expect(levelBetween(at(0, 0, 10), at(0, 0, 85)).level).toBe(0);
    expect(levelBetween(at(1, 1, 10), at(1, 2.5, 85))).toMatchObject({ level: 0, packetsReceived: 75 });
  });

  it('bounds the window', () => {
    expect(levelWindowMs(undefined)).toBe(1500);
    expect(() => levelWindowMs(5)).toThrow(RangeError);
    expect(() => levelWindowMs(60_000)).toThrow(RangeError);
  });
});

describe('routing of lab peer numbers', () => {
  it('rings the colleague alone: no forwarding, no voicemail', () => {
    const directory = new AccountDirectory(demoAccounts(28));
    expect(directory.route('15550100002')).toEqual({
      agent: 'colleague',
      number: '+15550100002',
      forwardingNumber: '',
      forwardTo: '',
      voicemail: 0,
      ringTimeoutSeconds: 28,
    });
    expect(directory.route('+15550001001')?.agent).toBe('alice');
    expect(directory.route('15559999999')).toBeNull();
    expect(directory.sipDisplayName('colleague')).toBe('Colleague');
  });
});
