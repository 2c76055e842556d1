/**
 * RFC 4733 telephone-events (DTMF carried in RTP), decoded from the payload
 * of one packet: event (8 bits) | E (1) | R (1) | volume (6) | duration (16).
 * JsSIP sends them (RTCDTMFSender) but never decodes received ones; the
 * console reads them from the receiver's encoded frames (telephone-event-tap.ts).
 */

export interface TelephoneEvent {
  /** '0'-'9', '*', '#', 'A'-'D'. */
  digit: string;
  /** The E bit: the last packets of an event carry it (sent three times). */
  end: boolean;
  /** In RTP timestamp units (8000 per second for the usual 8 kHz clock). */
  duration: number;
}

const DTMF_DIGITS = '0123456789*#ABCD';
export const TELEPHONE_EVENT_MIME = 'audio/telephone-event';

/** null for a payload that is not a DTMF event (too short, or an event code above 15). */
export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent | null {
  if (payload.length < 4) return null;
  const digit = DTMF_DIGITS[payload[0] ?? 255];
  if (digit === undefined) return null;
  const flags = payload[1] ?? 0;
  return { digit, end: (flags & 0x80) !== 0, duration: ((payload[2] ?? 0) << 8) | (payload[3] ?? 0) };
}

/**
 * Tells a new key press from more packets of the same one. Every packet of
 * one event normally shares its RTP timestamp, and its last ones carry the E
 * bit; but a relay that transcodes DTMF (rtpengine, between a desk phone and
 * a browser) was seen to restamp the end packets of one press. So: a new
 * press is a different digit, or any packet after the previous press ended
 * under another timestamp.
 */
export class TelephoneEventDeduper {
  private current: { timestamp: number; digit: string; ended: boolean } | null = null;

  isNewPress(rtpTimestamp: number, event: Pick<TelephoneEvent, 'digit' | 'end'>): boolean {
    const current = this.current;
    const isNew =
      current === null ||
      event.digit !== current.digit ||
      (rtpTimestamp !== current.timestamp && current.ended && !event.end);
    if (isNew) this.current = { timestamp: rtpTimestamp, digit: event.digit, ended: event.end };
    else if (current) this.current = { timestamp: rtpTimestamp, digit: current.digit, ended: current.ended || event.end };
    return isNew;
  }
}
