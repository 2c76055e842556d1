/**
 * Hears RFC 4733 DTMF on a call: reads the receiver's encoded frames
 * (Chromium's insertable streams), where telephone-event packets show up with
 * mimeType 'audio/telephone-event' beside the Opus frames, before NetEq.
 *
 * Why the legacy `createEncodedStreams()` and not `RTCRtpScriptTransform`:
 * measured in Chromium 156 with two loopback peer connections, a script
 * transform set on the answerer's receiver (in `ontrack`) sees every frame,
 * but one set on the offerer's receiver, whether right after addTrack, after
 * setLocalDescription or in `ontrack`, sees none while packets arrive; the
 * lab caller is the offerer of almost every call. Encoded streams see the
 * frames on both sides. Their price: the connection must be created with
 * `encodedInsertableStreams: true`, and then every sender and receiver must
 * have its streams piped, or its media stops. So the tap wraps addTrack
 * (JsSIP adds its microphone track with it) and pipes every track it sees.
 */
import { decodeTelephoneEvent, TELEPHONE_EVENT_MIME, TelephoneEventDeduper } from './telephone-event';

/** Chromium's insertable streams; not in TypeScript's DOM library. */
interface EncodedStreams {
  readable: ReadableStream<RTCEncodedAudioFrame>;
  writable: WritableStream<RTCEncodedAudioFrame>;
}
interface WithEncodedStreams {
  createEncodedStreams(): EncodedStreams;
}

type DigitListener = (digit: string) => void;

/** What a tapped call's RTCPeerConnection must be created with. */
export const TAPPED_PC_CONFIG = { encodedInsertableStreams: true } as const;

export function canTapTelephoneEvents(): boolean {
  return typeof RTCRtpSender !== 'undefined' && 'createEncodedStreams' in RTCRtpSender.prototype;
}

/**
 * Call as soon as the connection exists, before JsSIP adds the microphone
 * (for an outgoing call: right after ua.call() returns; incoming: in the
 * session's 'peerconnection' event).
 */
export function tapTelephoneEvents(connection: RTCPeerConnection, onDigit: DigitListener): void {
  const addTrack = connection.addTrack.bind(connection);
  connection.addTrack = (track: MediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender => {
    const sender = addTrack(track, ...streams);
    passThrough((sender as unknown as WithEncodedStreams).createEncodedStreams());
    return sender;
  };
  // A resumed call (re-INVITE) fires 'track' again for the same receiver, whose streams already flow.
  const piped = new WeakSet<RTCRtpReceiver>();
  connection.addEventListener('track', (event: RTCTrackEvent) => {
    if (piped.has(event.receiver)) return;
    piped.add(event.receiver);
    const streams = (event.receiver as unknown as WithEncodedStreams).createEncodedStreams();
    if (event.track.kind === 'audio') inspect(streams, onDigit);
    else passThrough(streams);
  });
}

function passThrough({ readable, writable }: EncodedStreams): void {
  readable.pipeTo(writable).catch((error: unknown) => console.warn('lab console: encoded stream pipe ended:', error));
}

function inspect({ readable, writable }: EncodedStreams, onDigit: DigitListener): void {
  const presses = new TelephoneEventDeduper();
  const listen = new TransformStream<RTCEncodedAudioFrame, RTCEncodedAudioFrame>({
    transform(frame, controller) {
      const metadata = frame.getMetadata();
      if (metadata.mimeType?.toLowerCase() === TELEPHONE_EVENT_MIME) {
        const event = decodeTelephoneEvent(new Uint8Array(frame.data));
        if (event && presses.isNewPress(metadata.rtpTimestamp ?? frame.timestamp, event)) onDigit(event.digit);
      }
      controller.enqueue(frame);
    },
  });
  readable
    .pipeThrough(listen)
    .pipeTo(writable)
    .catch((error: unknown) => console.warn('lab console: encoded stream pipe ended:', error));
}
