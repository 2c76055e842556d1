/**
 * What the lab console exposes as `window.lab`, for tests (playwright) and
 * for anyone poking at it from DevTools. Types only: tests import them.
 */

export type PeerName = 'caller' | 'cell' | 'voicemail' | 'colleague' | 'line-test' | 'agent';

/**
 * How the cell phone behind the forwarding number answers (R3):
 * 'ring' (default) rings until cellAccept() ("press 1");
 * 'answer-at-once' picks up at once, like a phone that is off whose own
 *   voicemail answers, but never presses 1, so the call is not connected to it;
 * 'press-1' picks up after ~0.5 s and accepts.
 */
export type CellMode = 'ring' | 'answer-at-once' | 'press-1';

/** How a peer answers a far end's in-call request (re-INVITE, REFER). */
export type FarEndPolicy = 'accept' | 'reject';

export type DtmfTransport = 'INFO' | 'RFC2833';

export interface LabEvent {
  /** Date.now() when it happened. */
  t: number;
  who: PeerName;
  /**
   * Calls: caller 'sending' (the INVITE leaves) | 'progress' | 'ringing' | 'accepted' | 'confirmed' | 'ended' | 'failed';
   * callee (cell, voicemail, colleague, agent) 'incoming' | 'answered' | 'confirmed' | 'cancelled' | 'ended' | 'failed'.
   * In a call, what the far end did (any peer):
   *   'reinvite' (every incoming re-INVITE; detail: the offer's audio direction
   *     sendrecv | sendonly | recvonly | inactive, or 'no-sdp'; status: 488 when refused by policy),
   *   'hold' / 'unhold' (the far end put us on hold / took us off it),
   *   'dtmf' (detail: the digit; transport: 'INFO' for SIP INFO, 'RFC4733' for an RTP telephone-event),
   *   'refer' (detail: the Refer-To URI; status: 202 accepted or 603 declined),
   *   'transfer-call' (id: the new call placed to the Refer-To target; detail: the referred call's id).
   * What our own REFER got (agent mode): 'refer-response' (status: the answer to the REFER),
   *   'refer-notify' (status: the sipfrag status the transferee reported in a NOTIFY).
   * Cell: 'picked-up' (it picked up in mode 'answer-at-once' or 'press-1', before any "press 1").
   * Voicemail: 'greeting' (the greeting and its beep were played), 'recording' (it listens to the caller),
   *   'message-saved' (detail: the message id), 'message-failed' (status: the upload's HTTP status).
   * Line test (who 'line-test'): its call's caller events, then 'ended' / 'failed' as any call.
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
   * 'registrationFailed': the reason phrase; see `type` for in-call events.
   */
  detail?: string;
  /** 'dtmf' only: how the digit arrived. */
  transport?: 'INFO' | 'RFC4733';
}

export interface CallStats {
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
}

/** The call's inbound audio over a measuring window (see CommonApi.audioLevel). */
export interface AudioLevel {
  /** RMS of the received, decoded audio in 0..1; 0 when nothing was played out. */
  level: number;
  /** RTP packets received during the window. */
  packetsReceived: number;
  /** Audio payload bytes received during the window. */
  bytesReceived: number;
}

export interface CallSummary {
  id: string;
  who: PeerName;
  incoming: boolean;
  status: 'ringing' | 'setting up' | 'in call' | 'ended';
  /** The far end's URI. */
  remote: string;
}

interface CommonApi {
  /** Resolves once every UA of the page is registered; rejects if one fails to register. */
  ready: Promise<void>;
  events: LabEvent[];
  /** Every call the page has seen, oldest first. */
  calls(): CallSummary[];
  /** Ends any call of this page: cancel, reject or bye, whichever fits its state. */
  hangup(id: string): void;
  /** Audio totals of the call's RTCPeerConnection (outbound-rtp / inbound-rtp) so far. */
  stats(id: string): Promise<CallStats>;
  /**
   * Measures the call's inbound audio over `windowMs` (default 1500):
   * level = sqrt(Δ totalAudioEnergy / Δ totalSamplesDuration) of the
   * inbound-rtp audio stats. A muted far end shows level ≈ 0 while
   * packetsReceived keeps growing.
   */
  audioLevel(id: string, windowMs?: number): Promise<AudioLevel>;
}

/** /console: the caller, the cell phone behind the forwarding number, voicemail and a colleague. */
export interface LabConsoleApi extends CommonApi {
  /**
   * Calls `number` (or any SIP URI) from the caller (fake microphone); returns the call id.
   * `bareOffer`: the INVITE's SDP carries no ICE candidates (the caller's own ICE
   * agent keeps them), so the callee cannot reach the caller first and its answer
   * waits for its own ICE gathering to end; the caller's checks then connect the call.
   */
  call(number: string, opts?: { displayName?: string; bareOffer?: boolean }): string;
  /** R3 "press 1": answers the ringing cell leg; its id, or null when none rings. */
  cellAccept(): string | null;
  /** Answers the colleague's oldest ringing call (a transfer target); its id, or null. */
  colleagueAnswer(): string | null;
  /** How the cell phone answers from its next call on (stored by the login service: PUT /lab/cell-mode). */
  setCellMode(mode: CellMode): Promise<void>;
  /** 'reject': the caller answers every incoming re-INVITE (hold, resume) with 488. Default 'accept'. */
  setReinvitePolicy(policy: FarEndPolicy): void;
  /**
   * 'accept' (default): the caller answers a REFER with 202, calls the
   * Refer-To target and reports progress in NOTIFYs. 'reject': 603 Declined.
   */
  setReferPolicy(policy: FarEndPolicy): void;
}

/** /console?agent=<user>[&ttl=<seconds>]: one agent UA, for tests and debugging. */
export interface LabAgentApi extends CommonApi {
  user: string;
  /** Answers the oldest ringing call; its id, or null when none rings. */
  answer(): string | null;
  /** Rejects the oldest ringing call (486 Busy Here unless told); its id, or null. */
  decline(statusCode?: number): string | null;
  /** Mutes (track.enabled = false) or unmutes the call's microphone. */
  mute(id: string, on: boolean): void;
  /** Puts the call on hold (re-INVITE a=sendonly) or resumes it; false when JsSIP refused to start. */
  hold(id: string, on: boolean): boolean;
  /** Sends DTMF tones by SIP INFO or as RTP telephone-events (RFC 4733). */
  sendDtmf(id: string, tones: string, transport: DtmfTransport): void;
  /** Blind transfer: sends a REFER with Refer-To `target` (a number or SIP URI). */
  refer(id: string, target: string): void;
}
