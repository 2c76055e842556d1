/**
 * The offscreen document's lifecycle, owned in one place. Creation is a single
 * in-flight promise (two callers racing would otherwise hit "Only a single
 * offscreen document may be created"), and existence is always rediscovered
 * from the browser, never remembered: the worker may have restarted since.
 */
import { createLogger } from '../shared/logger';

const log = createLogger('offscreen-lifecycle');
const PATH = 'offscreen.html';

let creating: Promise<void> | null = null;

export function offscreenUrl(): string {
  return chrome.runtime.getURL(PATH);
}

export async function hasOffscreenDocument(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [offscreenUrl()],
  });
  return contexts.length > 0;
}

/** Resolves to true when this call created the document (it needs its config pushed). */
export async function ensureOffscreenDocument(): Promise<boolean> {
  if (creating) {
    await creating;
    return false;
  }
  if (await hasOffscreenDocument()) return false;
  creating = chrome.offscreen
    .createDocument({
      url: PATH,
      // USER_MEDIA + WEB_RTC: no lifetime limit, survives worker termination
      // (AUDIO_PLAYBACK alone is closed after ~30 s of silence).
      reasons: [chrome.offscreen.Reason.USER_MEDIA, chrome.offscreen.Reason.WEB_RTC],
      justification: 'Keeps the softphone registered and holds calls: microphone, WebRTC and audio.',
    })
    .catch((err: unknown) => {
      // A document created meanwhile by an earlier worker instance is fine.
      if (!String(err).includes('single offscreen')) throw err;
      log.info('offscreen document already existed');
    })
    .finally(() => {
      creating = null;
    });
  await creating;
  return true;
}

export async function closeOffscreenDocument(): Promise<void> {
  if (!(await hasOffscreenDocument())) return;
  await chrome.offscreen.closeDocument();
}
