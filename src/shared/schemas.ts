/**
 * Deep schemas (valibot) for what one context hands another: the engine's
 * facts and the calls inside them. The protocol's guards check every message's
 * top level; these check every field of the kinds whose payload is a
 * structure, so a fact with a missing call or a phase of "pwned" is refused at
 * the boundary with a typed error, and the worker's state never sees it.
 */
import * as v from 'valibot';
import { ERROR_CODES } from './errors';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const time = v.pipe(v.number(), v.finite());

export const CallViewSchema = v.object({
  id,
  phase: v.picklist(['ringing', 'answering', 'active', 'ended']),
  remoteName: text(256),
  remoteNumber: text(64),
  startedAt: time,
  answeredAt: v.nullable(time),
  endReason: v.nullable(v.picklist(['declined', 'missed', 'answered-elsewhere', 'remote-hangup', 'local-hangup', 'transferred', 'failed'])),
  muted: v.boolean(),
  held: v.boolean(),
  remoteHeld: v.boolean(),
  transfer: v.nullable(v.object({ target: text(256), status: v.literal('trying') })),
  notice: v.nullable(v.picklist(['hold-refused', 'resume-refused', 'hold-busy', 'transfer-refused', 'dtmf-failed'])),
  quality: v.pipe(v.array(v.picklist(['latency', 'jitter', 'loss'])), v.maxLength(3)),
});

const errorCode = v.picklist(ERROR_CODES);

export const EngineFactSchema = v.variant('kind', [
  v.object({ kind: v.literal('registered'), at: time }),
  v.object({ kind: v.literal('unregistered'), at: time }),
  v.object({
    kind: v.literal('registration-failed'),
    at: time,
    error: errorCode,
    cause: text(256),
    status: v.nullable(v.pipe(v.number(), v.integer())),
    reason: v.nullable(text(256)),
  }),
  v.object({ kind: v.literal('transport'), at: time, connected: v.boolean() }),
  v.object({ kind: v.literal('mic'), at: time, status: v.picklist(['granted', 'denied', 'prompt', 'unknown']) }),
  v.object({ kind: v.literal('call-incoming'), at: time, call: CallViewSchema, waiting: v.boolean() }),
  v.object({ kind: v.literal('call-ringtone'), at: time, callId: id }),
  v.object({ kind: v.literal('call-updated'), at: time, call: CallViewSchema }),
  v.object({
    kind: v.literal('call-ended'),
    at: time,
    callId: id,
    reason: v.picklist(['declined', 'missed', 'answered-elsewhere', 'remote-hangup', 'local-hangup', 'transferred', 'failed']),
    cause: text(256),
  }),
]);

/** True when `value` is a well-formed engine fact, every field of it. */
export function isEngineFact(value: unknown): boolean {
  return v.is(EngineFactSchema, value);
}
