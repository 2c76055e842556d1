/**
 * The provider's voicemail (R4, R5, R7). Kamailio sends it a call with
 * `X-Voicemail-For: <account>` (route[VOICEMAIL]); it answers at once, plays
 * that account's greeting (GET /lab/accounts/:user/voicemail/greeting) and a
 * beep, then records what the caller says (MediaRecorder on the call's
 * remote audio) until the caller hangs up or 60 s have passed, and uploads
 * the message (POST /lab/accounts/:user/voicemail). A caller who hangs up
 * during the greeting leaves no message; nor does a line test (X-Line-Test),
 * nor a call without a mailbox (a direct call to sip:voicemail@).
 */
import type { IncomingRTCSessionEvent } from 'jssip/lib/UA';
import type { IncomingRequest } from 'jssip/lib/SIPMessage';
import { AudioOut, mediaConnected } from './audio-out';
import type { CallBook } from './call-book';
import type { EventLog } from './event-log';
import { lineTestIdOf } from './line-test-caller';

const MAX_MESSAGE_MS = 60_000;
/** Greeting (at most 60 s) plus message plus slack: no voicemail call outlives this. */
const MAX_CALL_MS = 130_000;
const BEEP = { hz: 1000, ms: 250 };
const ACCOUNT = /^[a-z0-9-]{1,32}$/;
const RECORDING_TYPE = 'audio/webm;codecs=opus';

interface Caller {
  /** The SIP user (P-Asserted-Identity first, else From); the login service turns a lab user into its number. */
  user: string;
  name: string;
}

export function answerAsVoicemail(calls: CallBook, log: EventLog, event: IncomingRTCSessionEvent): void {
  const { session, request } = event;
  const account = request.getHeader('X-Voicemail-For')?.trim() ?? '';
  const mailbox = ACCOUNT.test(account) && lineTestIdOf(request) === null ? account : null;
  const id = calls.trackIncoming('voicemail', session, request);
  const out = audioOut();
  // Answered at once whatever else fails: R5 is about this answer.
  session.answer({ ...calls.mediaFor('voicemail'), ...(out ? { mediaStream: out.stream } : {}) });

  let recorder: MessageRecorder | null = null;
  let over = false;
  const hangUp = (): void => {
    if (!session.isEnded()) session.terminate();
  };
  const callLimit = setTimeout(hangUp, MAX_CALL_MS);
  session.on('confirmed', () => {
    const greeting = out ? greet(out, ACCOUNT.test(account) ? account : null, session.connection as RTCPeerConnection | undefined) : Promise.resolve();
    void greeting.then(() => {
      log.add({ who: 'voicemail', type: 'greeting', id });
      if (over || mailbox === null) return;
      recorder = MessageRecorder.start(session.connection as RTCPeerConnection | undefined);
      if (!recorder) return;
      log.add({ who: 'voicemail', type: 'recording', id });
      setTimeout(hangUp, MAX_MESSAGE_MS);
    });
  });
  const finish = (): void => {
    if (over) return;
    over = true;
    clearTimeout(callLimit);
    out?.close();
    const caller = callerOf(request);
    void recorder?.stop().then(async (message) => {
      if (!mailbox || message.audio.size === 0) return;
      const status = await upload(mailbox, caller, message);
      if (typeof status === 'string') log.add({ who: 'voicemail', type: 'message-saved', id, detail: status });
      else log.add({ who: 'voicemail', type: 'message-failed', id, status });
    });
  };
  session.on('ended', finish);
  session.on('failed', finish);
}

/** Where the greeting goes; null (the call then carries the fake microphone) when WebAudio fails. */
function audioOut(): AudioOut | null {
  try {
    return new AudioOut();
  } catch (error) {
    console.warn('lab console: no WebAudio for the greeting:', error);
    return null;
  }
}

/** Plays the account's greeting (the default one without an account) and the beep. */
async function greet(out: AudioOut, account: string | null, connection: RTCPeerConnection | undefined): Promise<void> {
  await out.start();
  const greeting = account ? fetch(`/lab/accounts/${account}/voicemail/greeting`).then((r) => (r.ok ? r.arrayBuffer() : null)) : Promise.resolve(null);
  await mediaConnected(connection);
  try {
    const bytes = await greeting;
    if (bytes) await out.play(await out.decode(bytes));
  } catch (error) {
    console.warn('lab console: the greeting does not play:', error);
  }
  await out.tone(BEEP.hz, BEEP.ms);
}

interface RecordedMessage {
  audio: Blob;
  durationMs: number;
}

class MessageRecorder {
  private readonly chunks: Blob[] = [];
  private readonly startedAt = performance.now();

  private constructor(private readonly recorder: MediaRecorder) {
    recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) this.chunks.push(event.data);
    });
    recorder.start(1000);
  }

  /** Records the call's remote audio; null when there is none to record. */
  static start(connection: RTCPeerConnection | undefined): MessageRecorder | null {
    const track = connection?.getReceivers().find((receiver) => receiver.track.kind === 'audio')?.track;
    if (!track) return null;
    return new MessageRecorder(new MediaRecorder(new MediaStream([track]), { mimeType: RECORDING_TYPE, audioBitsPerSecond: 32_000 }));
  }

  stop(): Promise<RecordedMessage> {
    const durationMs = performance.now() - this.startedAt;
    return new Promise((resolve) => {
      const done = (): void => resolve({ audio: new Blob(this.chunks, { type: 'audio/webm' }), durationMs });
      if (this.recorder.state === 'inactive') return done();
      this.recorder.addEventListener('stop', done, { once: true });
      this.recorder.stop();
    });
  }
}

/** Who called, as the INVITE says: untrusted text, cut to length here and again by the login service. */
function callerOf(request: IncomingRequest): Caller {
  const asserted = /(?:sips?|tel):([^@;>\s]{1,64})/.exec(request.getHeader('P-Asserted-Identity') ?? '')?.[1];
  return {
    user: (asserted ?? request.from.uri.user ?? '').slice(0, 64),
    name: (request.from.display_name ?? '').slice(0, 128),
  };
}

/** The new message's id, or the HTTP status of a refusal (0: no answer). */
async function upload(account: string, caller: Caller, message: RecordedMessage): Promise<string | number> {
  const body = {
    fromUser: caller.user,
    fromName: caller.name,
    durationSeconds: Math.max(1, Math.round(message.durationMs / 1000)),
    audio: await base64(message.audio),
    contentType: 'audio/webm',
  };
  try {
    const response = await fetch(`/lab/accounts/${account}/voicemail`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) return response.status;
    return ((await response.json()) as { id: string }).id;
  } catch {
    return 0;
  }
}

async function base64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
