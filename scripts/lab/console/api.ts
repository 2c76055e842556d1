/**
 * What the lab console exposes as `window.lab`, for tests (playwright) and
 * for anyone poking at it from DevTools. Types only: tests import them.
 */

export type PeerName = 'caller' | 'cell' | 'voicemail' | 'agent';

export interface LabEvent {
  /** Date.now() when it happened. */
  t: number;
  who: PeerName;
  /**
   * Calls: caller 'sending' (the INVITE leaves) | 'progress' | 'ringing' | 'accepted' | 'confirmed' | 'ended' | 'failed';
   * callee (cell, voicemail, agent) 'incoming' | 'answered' | 'confirmed' | 'cancelled' | 'ended' | 'failed'.
   * Registration: 'registered' | 'unregistered' | 'registrationFailed' | 'disconnected'.
   */
  type: string;
  /** The call id; '' for registration events. */
  id: string;
  /** JsSIP's cause (ended, failed, cancelled, registrationFailed). */
  cause?: string;
  /** SIP status code of the response behind the event, when there is one. */
  status?: number;
  /**
   * 'incoming': the caller's display name (untrusted text); voicemail 'answered':
   * the X-Voicemail-For header; 'cancelled': the CANCEL's Reason header;
   * 'registrationFailed': the reason phrase.
   */
  detail?: string;
}

export interface CallStats {
  bytesSent: number;
  bytesReceived: number;
}

interface CommonApi {
  /** Resolves once every UA of the page is registered; rejects if one fails to register. */
  ready: Promise<void>;
  events: LabEvent[];
  /** Ends any call of this page: cancel, reject or bye, whichever fits its state. */
  hangup(id: string): void;
  /** Audio bytes of the call's RTCPeerConnection (outbound-rtp / inbound-rtp). */
  stats(id: string): Promise<CallStats>;
}

/** /console: the caller, the cell phone behind the forwarding number, and voicemail. */
export interface LabConsoleApi extends CommonApi {
  /** Calls `number` from the caller (fake microphone); returns the call id. */
  call(number: string, opts?: { displayName?: string }): string;
  /** R3 "press 1": answers the ringing cell leg; its id, or null when none rings. */
  cellAccept(): string | null;
}

/** /console?agent=<user>[&ttl=<seconds>]: one agent UA, for tests and debugging. */
export interface LabAgentApi extends CommonApi {
  user: string;
  /** Answers the oldest ringing call; its id, or null when none rings. */
  answer(): string | null;
  /** Rejects the oldest ringing call (486 Busy Here unless told); its id, or null. */
  decline(statusCode?: number): string | null;
}
