/** The media direction an SDP offer asks for, as a far end reads it to tell hold from resume. */

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/;

/**
 * The audio m-section's direction attribute, else the session-level one,
 * else 'sendrecv' (RFC 4566's default). null when the SDP has no audio.
 */
export function audioDirection(sdp: string): SdpDirection | null {
  let sessionLevel: SdpDirection | null = null;
  let inAudio = false;
  let sawAudio = false;
  let audioLevel: SdpDirection | null = null;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      // Only the first audio section counts: that is the call's voice.
      if (sawAudio) inAudio = false;
      else inAudio = sawAudio = line.startsWith('m=audio ');
      continue;
    }
    const match = DIRECTION.exec(line);
    if (!match) continue;
    const direction = match[1] as SdpDirection;
    if (inAudio) audioLevel = direction;
    else if (!sawAudio) sessionLevel = direction;
  }
  if (!sawAudio) return null;
  return audioLevel ?? sessionLevel ?? 'sendrecv';
}
