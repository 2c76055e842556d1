/**
 * Deep checks for what one context hands another: the engine's facts and the
 * calls inside them. The protocol's guards check every message's top level;
 * these check every field of the kinds whose payload is a structure, so a fact
 * with a missing call or a phase of "pwned" is refused at the boundary with a
 * typed error, and the worker's state never sees it.
 *
 * Hand-written combinators rather than valibot (tried: +10 KB in the worker,
 * whose budget is 60 KB and whose start-up time is on the ring path of a
 * sleeping worker); they do the same job in a few hundred bytes.
 */
import { ERROR_CODES } from './errors';

type Check = (v: unknown) => boolean;

const str =
  (max: number, min = 0): Check =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const int: Check = (v) => Number.isInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const oneOf =
  (values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v);
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const list =
  (check: Check, max: number): Check =>
  (v) =>
    Array.isArray(v) && v.length <= max && v.every(check);
/** Exactly these keys (no more, none missing), each passing its check. */
const shape =
  (fields: Record<string, Check>): Check =>
  (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const keys = Object.keys(v);
    return keys.length === Object.keys(fields).length && keys.every((k) => Object.hasOwn(fields, k) && (fields[k] as Check)((v as Record<string, unknown>)[k]));
  };

const id = str(64, 1);
const END_REASONS = ['declined', 'missed', 'answered-elsewhere', 'remote-hangup', 'local-hangup', 'transferred', 'failed'] as const;

export const isCallView: Check = shape({
  id,
  phase: oneOf(['ringing', 'answering', 'active', 'ended']),
  remoteName: str(256),
  remoteNumber: str(64),
  startedAt: num,
  answeredAt: nullable(num),
  endReason: nullable(oneOf(END_REASONS)),
  muted: bool,
  held: bool,
  remoteHeld: bool,
  transfer: nullable(shape({ target: str(256), status: oneOf(['trying']) })),
  notice: nullable(oneOf(['hold-refused', 'resume-refused', 'hold-busy', 'transfer-refused', 'dtmf-failed'])),
  quality: list(oneOf(['latency', 'jitter', 'loss']), 3),
  lineTest: bool,
});

const FACTS: Record<string, Record<string, Check>> = {
  registered: {},
  unregistered: {},
  'registration-failed': { error: oneOf(ERROR_CODES), cause: str(256), status: nullable((v) => num(v) && int(v)), reason: nullable(str(256)) },
  transport: { connected: bool },
  mic: { status: oneOf(['granted', 'denied', 'prompt', 'unknown']) },
  'call-incoming': { call: isCallView, waiting: bool, engineNotifies: bool },
  'call-notified': { callId: id, shown: bool },
  'device-fallback': { device: oneOf(['microphone', 'speaker', 'ringer']) },
  'call-ringtone': { callId: id },
  'call-updated': { call: isCallView },
  'call-ended': { callId: id, reason: oneOf(END_REASONS), cause: str(256) },
};

/** True when `value` is a well-formed engine fact, every field of it. */
export function isEngineFact(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(FACTS, kind)) return false;
  return shape({ kind: () => true, at: num, ...FACTS[kind] })(value);
}
