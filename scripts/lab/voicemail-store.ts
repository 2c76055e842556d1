/**
 * The provider's voicemail in memory (R7): each account's greeting and its
 * messages. A caller's name and number are untrusted text: stored cut to a
 * length, never parsed or rendered here.
 */
import { randomBytes } from 'node:crypto';
import { defaultGreetingWav, type AudioType } from './wav';

export interface Audio {
  body: Buffer;
  contentType: string;
}

export interface StoredMessage {
  id: string;
  from: string;
  fromName: string;
  receivedAt: Date;
  durationSeconds: number;
  heard: boolean;
  audio: Audio;
}

export interface NewMessage {
  from: string;
  fromName: string;
  durationSeconds: number;
  audio: Audio;
  heard?: boolean;
  receivedAt?: Date;
}

/** The contract's message (DESIGN.md §5). */
export interface MessageJson {
  id: string;
  from: string;
  fromName: string;
  receivedAt: string;
  durationSeconds: number;
  heard: boolean;
}

export const MAX_FROM_LENGTH = 64;
export const MAX_FROM_NAME_LENGTH = 128;
/** Per account; the oldest go first. */
const MAX_MESSAGES = 100;

export class VoicemailStore {
  private readonly greetings = new Map<string, Audio>();
  private readonly messages = new Map<string, StoredMessage[]>();
  private readonly defaultGreeting: Audio = { body: defaultGreetingWav(), contentType: 'audio/wav' };

  greetingKind(user: string): 'default' | 'custom' {
    return this.greetings.has(user) ? 'custom' : 'default';
  }

  greeting(user: string): Audio {
    return this.greetings.get(user) ?? this.defaultGreeting;
  }

  setGreeting(user: string, body: Buffer, type: AudioType): void {
    this.greetings.set(user, { body, contentType: type });
  }

  resetGreeting(user: string): void {
    this.greetings.delete(user);
  }

  add(user: string, input: NewMessage): StoredMessage {
    const message: StoredMessage = {
      id: randomBytes(9).toString('base64url'),
      from: cut(input.from, MAX_FROM_LENGTH),
      fromName: cut(input.fromName, MAX_FROM_NAME_LENGTH),
      receivedAt: input.receivedAt ?? new Date(),
      durationSeconds: input.durationSeconds,
      heard: input.heard ?? false,
      audio: input.audio,
    };
    const list = [message, ...(this.messages.get(user) ?? [])].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
    this.messages.set(user, list.slice(0, MAX_MESSAGES));
    return message;
  }

  /** Newest first. */
  list(user: string): readonly StoredMessage[] {
    return this.messages.get(user) ?? [];
  }

  find(user: string, id: string): StoredMessage | undefined {
    return this.list(user).find((message) => message.id === id);
  }

  clear(user: string): void {
    this.messages.delete(user);
  }
}

export function messageJson(message: StoredMessage): MessageJson {
  const { id, from, fromName, receivedAt, durationSeconds, heard } = message;
  return { id, from, fromName, receivedAt: receivedAt.toISOString(), durationSeconds, heard };
}

/** At most `max` code points (a cut never splits a surrogate pair). */
export function cut(text: string, max: number): string {
  // Sliced first so a huge input is never split into an array as a whole.
  return Array.from(text.slice(0, max * 2)).slice(0, max).join('');
}
