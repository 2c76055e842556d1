/** The toolbar button: badge text, colour and tooltip. */
import { browser } from './browser';

export interface BadgeSpec {
  text: string;
  color: string;
  title: string;
}

export async function setBadge(spec: BadgeSpec): Promise<void> {
  await Promise.all([
    browser.action.setBadgeText({ text: spec.text }),
    browser.action.setBadgeBackgroundColor({ color: spec.color }),
    browser.action.setTitle({ title: spec.title }),
  ]);
}

/** Opens the popup if the browser allows it without a user gesture (Chrome 127+). */
export async function tryOpenPopup(): Promise<boolean> {
  try {
    await chrome.action.openPopup();
    return true;
  } catch {
    return false; // No focused window, or not allowed here: the notification still speaks.
  }
}
