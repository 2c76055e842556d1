/** Extension pages opened in tabs (the microphone permission page). */
import { browser, extensionUrl } from './browser';

/** Focuses the page if it is already open in a tab, else opens it. */
export async function openExtensionTab(path: string): Promise<void> {
  const url = extensionUrl(path);
  const [existing] = await browser.tabs.query({ url: `${url.split('?')[0]}*` });
  if (existing?.id !== undefined) {
    await browser.tabs.update(existing.id, { active: true });
    if (existing.windowId !== undefined) await browser.windows.update(existing.windowId, { focused: true });
    return;
  }
  await browser.tabs.create({ url });
}

const CALL_WINDOW = 'popup.html?window=call';

/**
 * The incoming-call window: a small focused popup window with the popup's own
 * page (the same controls), brought to the front when a call rings; closed
 * when the calls are over.
 */
export async function callWindow(open: boolean): Promise<void> {
  const url = extensionUrl(CALL_WINDOW);
  const [existing] = await browser.tabs.query({ url });
  if (!open) {
    if (existing?.windowId !== undefined) await browser.windows.remove(existing.windowId);
    return;
  }
  if (existing?.windowId !== undefined) {
    await browser.windows.update(existing.windowId, { focused: true, drawAttention: true });
    return;
  }
  await browser.windows.create({ url, type: 'popup', focused: true, width: 360, height: 600 });
}

export async function closeExtensionTabs(path: string): Promise<void> {
  const tabs = await browser.tabs.query({ url: `${extensionUrl(path)}*` });
  const ids = tabs.map((t) => t.id).filter((id): id is number => id !== undefined);
  if (ids.length > 0) await browser.tabs.remove(ids);
}
