/**
 * Voicemail (DESIGN.md §5, "Beyond login"; rule R7): the provider endpoints
 * under /v1/softphone/voicemail/ with the login's bearer token, and the
 * lab's own under /lab/accounts/:user/voicemail (loopback only): the
 * console's voicemail phone fetches greetings and uploads what callers say
 * there, and tests inject or clear messages without placing calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, readJsonBody, sendBytes, sendEmpty, sendJson } from './http-util';
import { authorised } from './routing-api';
import type { ServiceState } from './service-state';
import { messageJson } from './voicemail-store';
import { declaredAudioType, looksLike, toneWav, wavSeconds } from './wav';

/** The contract's limits for a greeting (the extension checks the same before uploading). */
export const GREETING_MAX_BYTES = 2_000_000;
export const GREETING_MAX_SECONDS = 60;
/** A lab upload: a minute of Opus is ~250 KB; base64 adds a third. */
const MESSAGE_MAX_AUDIO_BYTES = 3_000_000;
const MESSAGE_MAX_JSON_BYTES = 4_100_000;
const MAX_MESSAGE_SECONDS = 3600;
/** An injected message without audio gets this much 440 Hz tone at most. */
const MAX_TONE_SECONDS = 10;

type Cors = Record<string, string>;

export async function putGreeting(state: ServiceState, req: IncomingMessage, res: ServerResponse, cors: Cors): Promise<void> {
  const account = authorised(state, req, res, cors);
  if (!account) return;
  const type = declaredAudioType(req.headers['content-type']);
  const body = await readBody(req, GREETING_MAX_BYTES);
  if (type === null) return sendJson(res, 415, { error: 'unsupported_media' }, cors);
  if (body === null) return sendJson(res, 413, { error: 'too_large' }, cors);
  if (!looksLike(type, body)) return sendJson(res, 415, { error: 'unsupported_media' }, cors);
  // Only a WAV says its length in its header; WebM and Ogg are held to the byte limit.
  if (type === 'audio/wav' && (wavSeconds(body) ?? 0) > GREETING_MAX_SECONDS) return sendJson(res, 413, { error: 'too_large' }, cors);
  state.voicemail.setGreeting(account.user, body, type);
  sendJson(res, 200, { greeting: 'custom' }, cors);
}

export function deleteGreeting(state: ServiceState, req: IncomingMessage, res: ServerResponse, cors: Cors): void {
  const account = authorised(state, req, res, cors);
  if (!account) return;
  state.voicemail.resetGreeting(account.user);
  sendJson(res, 200, { greeting: 'default' }, cors);
}

export function getGreeting(state: ServiceState, req: IncomingMessage, res: ServerResponse, cors: Cors): void {
  const account = authorised(state, req, res, cors);
  if (!account) return;
  const greeting = state.voicemail.greeting(account.user);
  sendBytes(res, greeting.body, greeting.contentType, cors);
}

export function listMessages(state: ServiceState, req: IncomingMessage, res: ServerResponse, cors: Cors): void {
  const account = authorised(state, req, res, cors);
  if (account) sendJson(res, 200, { messages: state.voicemail.list(account.user).map(messageJson) }, cors);
}

export function getMessageAudio(state: ServiceState, id: string, req: IncomingMessage, res: ServerResponse, cors: Cors): void {
  const account = authorised(state, req, res, cors);
  if (!account) return;
  const message = state.voicemail.find(account.user, id);
  if (!message) return sendJson(res, 404, { error: 'not_found' }, cors);
  sendBytes(res, message.audio.body, message.audio.contentType, cors);
}

export function markHeard(state: ServiceState, id: string, req: IncomingMessage, res: ServerResponse, cors: Cors): void {
  const account = authorised(state, req, res, cors);
  if (!account) return;
  const message = state.voicemail.find(account.user, id);
  if (!message) return sendJson(res, 404, { error: 'not_found' }, cors);
  message.heard = true;
  sendEmpty(res, 204, cors);
}

// --- the lab's own endpoints (loopback only, no token)

export function labListMessages(state: ServiceState, user: string, res: ServerResponse): void {
  if (!state.directory.find(user)) return sendJson(res, 404, { error: 'unknown_account' });
  const messages = state.voicemail.list(user).map((message) => ({
    ...messageJson(message),
    contentType: message.audio.contentType,
    bytes: message.audio.body.length,
  }));
  sendJson(res, 200, { messages, greeting: state.voicemail.greetingKind(user) });
}

export function labClearMessages(state: ServiceState, user: string, res: ServerResponse): void {
  if (!state.directory.find(user)) return sendJson(res, 404, { error: 'unknown_account' });
  state.voicemail.clear(user);
  sendEmpty(res, 204);
}

/** The greeting the voicemail phone plays to this account's callers. */
export function labGetGreeting(state: ServiceState, user: string, res: ServerResponse): void {
  if (!state.directory.find(user)) return sendJson(res, 404, { error: 'unknown_account' });
  const greeting = state.voicemail.greeting(user);
  sendBytes(res, greeting.body, greeting.contentType);
}

/**
 * POST /lab/accounts/:user/voicemail: a message, from the voicemail phone or
 * a test. JSON: `durationSeconds` (0..3600), and any of `from` (stored as
 * given), `fromUser` (a SIP user: stored as the number the lab knows it by,
 * else as given), `fromName`, `audio` (base64) with `contentType` (audio/wav,
 * audio/webm or audio/ogg; default audio/wav), `heard`. Without audio, a
 * 440 Hz tone as long as the message (at most 10 s).
 */
export async function labAddMessage(state: ServiceState, user: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!state.directory.find(user)) return sendJson(res, 404, { error: 'unknown_account' });
  const input = parseMessage(await readJsonBody(req, MESSAGE_MAX_JSON_BYTES));
  if (!input) return sendJson(res, 400, { error: 'invalid_message' });
  const from = input.from ?? (input.fromUser === undefined ? '' : (state.directory.numberOf(input.fromUser) ?? input.fromUser));
  const message = state.voicemail.add(user, {
    from,
    fromName: input.fromName ?? '',
    durationSeconds: input.durationSeconds,
    heard: input.heard,
    audio: input.audio ?? { body: toneWav([{ hz: 440, ms: 1000 * Math.min(MAX_TONE_SECONDS, Math.max(1, input.durationSeconds)) }]), contentType: 'audio/wav' },
  });
  sendJson(res, 201, messageJson(message));
}

interface MessageInput {
  from?: string;
  fromUser?: string;
  fromName?: string;
  durationSeconds: number;
  heard?: boolean;
  audio?: { body: Buffer; contentType: string };
}

function parseMessage(body: unknown): MessageInput | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { from, fromUser, fromName, durationSeconds, heard, audio, contentType, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  const optionalText = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';
  if (!optionalText(from) || !optionalText(fromUser) || !optionalText(fromName) || !optionalText(audio) || !optionalText(contentType)) return null;
  if (typeof durationSeconds !== 'number' || !Number.isFinite(durationSeconds) || durationSeconds < 0 || durationSeconds > MAX_MESSAGE_SECONDS) return null;
  if (heard !== undefined && typeof heard !== 'boolean') return null;
  const input: MessageInput = { from, fromUser, fromName, heard, durationSeconds: Math.round(durationSeconds) };
  if (audio !== undefined) {
    const type = declaredAudioType(contentType ?? 'audio/wav');
    const bytes = Buffer.from(audio, 'base64');
    if (type === null || bytes.length === 0 || bytes.length > MESSAGE_MAX_AUDIO_BYTES || !looksLike(type, bytes)) return null;
    input.audio = { body: bytes, contentType: type };
  }
  return input;
}
