/**
 * Every word a person sees comes from `_locales/<lang>/messages.json` through
 * `chrome.i18n` (English and Spanish today). This module is the one door:
 * `t(key, ...substitutions)`, typed by the English catalog, so a missing or
 * misspelt key is a compile error. It runs anywhere (worker, pages, tests):
 * the platform installs Chrome's lookup (src/platform/i18n.ts), the unit tests
 * a reader of the same JSON files. The offscreen document has no chrome.i18n
 * and never calls it: it reports codes, and what it must show is given to it
 * in words (EngineConfig.words).
 *
 * Plurals and lists, which chrome.i18n lacks, are chosen here with Intl in the
 * browser's UI language: "1 missed call" / "3 missed calls", "here and on +1 555…".
 */
import type Catalog from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof Catalog;
export type Lookup = (key: string, substitutions: string[]) => string;

let lookup: Lookup | null = null;
let language = 'en';

/** Called once per context, before any word is needed. */
export function installMessages(fn: Lookup, uiLanguage: string): void {
  lookup = fn;
  language = uiLanguage || 'en';
}

/** The UI language (BCP 47), for Intl formatting of times, plurals and lists. */
export function uiLanguage(): string {
  return language;
}

/** The localized message; the key itself if none is installed or the catalog lacks it (visible, never blank). */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  const text = lookup ? lookup(key, substitutions.map(String)) : '';
  return text || key;
}

type PluralKeys = { one: MessageKey; other: MessageKey };

/** "1 missed call" / "2 missed calls": the count is substitution $1, the form chosen by the language's rules. */
export function plural(count: number, keys: PluralKeys, ...more: (string | number)[]): string {
  let form: string;
  try {
    form = new Intl.PluralRules(language).select(count);
  } catch {
    // An unknown language tag: English rules.
    form = count === 1 ? 'one' : 'other';
  }
  return t(form === 'one' ? keys.one : keys.other, count, ...more);
}

/** "a, b and c" in the UI language. */
export function listOf(items: string[]): string {
  try {
    return new Intl.ListFormat(language, { type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** A time of day in the UI language: "14:03" or with seconds "14:03:12". */
export function timeOfDay(ms: number, seconds = false): string {
  return new Date(ms).toLocaleTimeString(language, seconds ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
}
