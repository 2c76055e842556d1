/**
 * The worker's channel to the phone engine in the offscreen document. A freshly
 * created document may not have registered its message listener yet, so a
 * request that finds no receiver is retried briefly before it fails.
 */
import type { ApiOf, ResponseOf, TypeOf } from '../shared/protocol';
import { closeOffscreenDocument, ensureOffscreenDocument, hasOffscreenDocument } from './offscreen';
import { send } from './messaging';

type Req<K extends TypeOf<'offscreen'>> = ApiOf<'offscreen'>[K] extends { req: infer R } ? R : never;

const RETRIES = 20;
const RETRY_DELAY_MS = 50;

const noReceiver = (err: unknown) => String(err).includes('Receiving end does not exist') || String(err).includes('Could not establish connection');

export const engineChannel = {
  ensure: ensureOffscreenDocument,
  exists: hasOffscreenDocument,
  close: closeOffscreenDocument,
  async request<K extends TypeOf<'offscreen'>>(type: K, payload: Req<K>): Promise<ResponseOf<'offscreen', K>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send('offscreen', type, payload as never);
      } catch (err) {
        if (!noReceiver(err) || attempt >= RETRIES) throw err;
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      }
    }
  },
};
