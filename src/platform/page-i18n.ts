/** Fills an extension page's static words from `_locales` (the `data-i18n*` attributes in its HTML). */
import './i18n';
import { t, type MessageKey } from '../shared/i18n';

/**
 * The page's own words: `data-i18n="key"` sets the text, `data-i18n-<attr>="key"`
 * an attribute (placeholder, aria-label, title). Also `<html lang>`.
 */
export function localizePage(root: Document = document): void {
  root.documentElement.lang = chrome.i18n.getUILanguage();
  for (const el of root.querySelectorAll<HTMLElement>('*')) {
    for (const name of el.getAttributeNames()) {
      if (!name.startsWith('data-i18n')) continue;
      const key = el.getAttribute(name) as MessageKey;
      if (name === 'data-i18n') el.textContent = t(key);
      else el.setAttribute(name.slice('data-i18n-'.length), t(key));
    }
  }
}
