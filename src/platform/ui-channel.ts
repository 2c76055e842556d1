/** The pages' side of messaging: intents up to the worker, snapshots down. */
import type { Snapshot } from '../shared/snapshot';
import type { Message, ResponseOf, TypeOf } from '../shared/protocol';
import { send, sendPrivately, serve } from './messaging';

/** Requests that carry a secret (the agent's password) go on a private port, never broadcast. */
const PRIVATE: ReadonlySet<string> = new Set(['login']);

export function requestBackground<K extends TypeOf<'background'>>(
  type: K,
  payload: Omit<Message<'background', K>, 'target' | 'type'>,
): Promise<ResponseOf<'background', K>> {
  return PRIVATE.has(type) ? sendPrivately(type, payload) : send('background', type, payload);
}

/** Calls back with each snapshot the worker pushes. */
export function onSnapshot(listener: (snapshot: Snapshot) => void): void {
  serve('ui', (msg, sender) => {
    if (msg.type === 'snapshot' && sender.page === '/background.js') listener(msg.snapshot);
    return undefined;
  });
}
