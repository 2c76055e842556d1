/** The pages' side of messaging: intents up to the worker, snapshots down. */
import type { Snapshot } from '../shared/snapshot';
import type { Message, ResponseOf, TypeOf } from '../shared/protocol';
import { send, sendPrivately, serve } from './messaging';
import { browser } from './browser';

/** Requests that carry a secret (the agent's password) go on a private port, never broadcast. */
const PRIVATE: ReadonlySet<string> = new Set(['login']);

export function requestBackground<K extends TypeOf<'background'>>(
  type: K,
  payload: Omit<Message<'background', K>, 'target' | 'type'>,
): Promise<ResponseOf<'background', K>> {
  return PRIVATE.has(type) ? sendPrivately(type, payload) : send('background', type, payload);
}

/**
 * The worker's last saved snapshot (storage.session, which extension pages
 * may read), for the popup's first frame: a few milliseconds, where asking
 * the worker costs a round trip and its freshness check. The worker's own
 * answer follows and wins. Null when there is none (or it takes too long).
 */
export function savedSnapshot(timeoutMs = 40): Promise<Snapshot | null> {
  const read = browser.storage.session.get('snapshot').then(
    (v) => ((v as { snapshot?: Snapshot }).snapshot ?? null),
    () => null,
  );
  return Promise.race([read, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs))]);
}

/** Calls back with each snapshot the worker pushes. */
export function onSnapshot(listener: (snapshot: Snapshot) => void): void {
  serve('ui', (msg, sender) => {
    if (msg.type === 'snapshot' && sender.page === '/background.js') listener(msg.snapshot);
    return undefined;
  });
}
