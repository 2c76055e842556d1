/**
 * A first look at an INVITE's offer before the phone rings for it: a call
 * that could never be answered (no SDP, garbage, no audio, absurdly large)
 * must not ring and steal the agent's attention; it is refused at once with
 * 488, so its other routes take it. The full parse happens at answer time.
 */
const MAX_SDP_BYTES = 64 * 1024;

export function offersAudio(body: unknown): boolean {
  if (typeof body !== 'string' || body.length === 0 || body.length > MAX_SDP_BYTES) return false;
  const lines = body.split(/\r?\n/);
  return lines[0]?.trim() === 'v=0' && lines.some((l) => /^m=audio \d+ [A-Z/]+ [0-9 ]+$/i.test(l.trim()));
}
