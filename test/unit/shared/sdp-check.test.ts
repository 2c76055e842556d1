import { describe, expect, it } from 'vitest';
import { offersAudio } from '../../../src/shared/sdp-check';

const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 UDP/TLS/RTP/SAVPF 111 0', 'a=rtpmap:111 opus/48000/2', ''].join('\r\n');

describe('an INVITE that could never be answered does not ring', () => {
  it('accepts an audio offer', () => expect(offersAudio(sdp)).toBe(true));
  it.each([
    ['no body', undefined],
    ['empty', ''],
    ['garbage', '\u0000\u0001 not sdp at all'],
    ['video only', sdp.replace('m=audio 4000 UDP/TLS/RTP/SAVPF 111 0', 'm=video 4000 RTP/AVP 96')],
    ['huge', `${sdp}${'a=x\r\n'.repeat(20_000)}`],
  ])('refuses %s', (_label, body) => expect(offersAudio(body)).toBe(false));
});
