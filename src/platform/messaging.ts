/**
 * Typed runtime messaging. `send` addresses one target context; `serve` answers
 * the messages for one context after checking the shape and the sender.
 */
import type { Message, ResponseOf, Target, TypeOf } from '../shared/protocol';
import { isMessageFor, message } from '../shared/protocol';
import { createLogger } from '../shared/logger';
import { browser, type Runtime } from './browser';

const log = createLogger('messaging');

export async function send<T extends Target, K extends TypeOf<T>>(
  target: T,
  type: K,
  payload: Omit<Message<T, K>, 'target' | 'type'>,
): Promise<ResponseOf<T, K>> {
  return (await browser.runtime.sendMessage(message(target, type, payload as never)));
}

/** Fire-and-forget push (e.g. snapshots to pages that may all be closed). */
export function broadcast<T extends Target, K extends TypeOf<T>>(
  target: T,
  type: K,
  payload: Omit<Message<T, K>, 'target' | 'type'>,
): void {
  browser.runtime.sendMessage(message(target, type, payload as never)).catch(() => {
    // "Receiving end does not exist": no page is open to listen. Expected.
  });
}

export interface SenderInfo {
  /** Path of the sending extension page, e.g. "/popup.html"; null when not one of ours. */
  page: string | null;
  /**
   * 'message': runtime.sendMessage, which every extension page receives;
   * 'private': a port to the worker alone (what secrets travel on).
   */
  channel?: 'message' | 'private';
}

const PRIVATE_PORT = 'private-request';

/**
 * A request to the worker that no other extension page can see: a runtime
 * message is delivered to every page with a listener (the offscreen document,
 * the options page…), a port only to the worker, which alone listens for it.
 * One request, one answer, then the port closes.
 */
export function sendPrivately<K extends TypeOf<'background'>>(
  type: K,
  payload: Omit<Message<'background', K>, 'target' | 'type'>,
): Promise<ResponseOf<'background', K>> {
  return new Promise((resolve, reject) => {
    const port = browser.runtime.connect({ name: PRIVATE_PORT });
    port.onMessage.addListener((answer: unknown) => {
      resolve(answer as ResponseOf<'background', K>);
      port.disconnect();
    });
    port.onDisconnect.addListener(() => reject(new Error('the worker closed the request')));
    port.postMessage(message('background', type, payload as never));
  });
}

/** The worker's side of `sendPrivately`: same checks as `serve`. */
export function servePrivately(handler: Handler<'background'>): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PRIVATE_PORT) return;
    const info: SenderInfo = { ...(port.sender ? senderInfo(port.sender) : { page: null }), channel: 'private' };
    port.onMessage.addListener((raw: unknown) => {
      const answer = info.page !== null && isMessageFor('background', raw) ? Promise.resolve().then(() => handler(raw, info)) : Promise.resolve({ ok: false, error: 'bad_request' });
      void answer
        .catch((err: unknown) => {
          log.error('private handler failed', err);
          return { ok: false, error: 'internal' };
        })
        .then((result) => {
          try {
            port.postMessage(result);
          } catch {
            // The page closed meanwhile.
          }
        });
    });
  });
}

function senderInfo(sender: Runtime.MessageSender): SenderInfo {
  if (sender.id !== browser.runtime.id || sender.url === undefined) return { page: null };
  const origin = browser.runtime.getURL('');
  return sender.url.startsWith(origin) ? { page: new URL(sender.url).pathname } : { page: null };
}

export type Handler<T extends Target> = (msg: Message<T>, sender: SenderInfo) => Promise<unknown> | unknown;

/**
 * Answers messages addressed to `target`. Messages for other targets are left
 * for their own listeners (returning undefined means "not mine").
 */
export function serve<T extends Target>(target: T, handler: Handler<T>): void {
  // `true` keeps `sendResponse` open for the asynchronous answer (Chrome does not
  // take a returned promise); anything else means "not mine": another listener answers.
  const listener = (raw: unknown, sender: Runtime.MessageSender, sendResponse: (answer: unknown) => void): true | undefined => {
    if (typeof raw !== 'object' || raw === null || (raw as { target?: unknown }).target !== target) return undefined;
    const info: SenderInfo = { ...senderInfo(sender), channel: 'message' };
    if (info.page === null) {
      log.warn('dropped a message from outside the extension', (raw as { type?: unknown }).type);
      return undefined;
    }
    if (!isMessageFor(target, raw)) {
      log.warn('dropped a malformed message', (raw as { type?: unknown }).type);
      sendResponse({ ok: false, error: 'bad_request' });
      return undefined;
    }
    // A handler that throws answers with a typed error, never with a raw
    // exception (the sender would see "undefined" or a string it cannot act on).
    void Promise.resolve()
      .then(() => handler(raw, info))
      .catch((err: unknown) => {
        log.error('handler failed', raw.type, err);
        return { ok: false, error: 'internal', detail: err instanceof Error ? err.name : 'error' };
      })
      .then(sendResponse);
    return true;
  };
  browser.runtime.onMessage.addListener(listener as unknown as Parameters<typeof browser.runtime.onMessage.addListener>[0]);
}
