/**
 * chrome.i18n's message lookup over the real `public/_locales` files, for unit
 * tests (installed for every unit test by test/unit/setup.ts) and for the
 * end-to-end tests, which pick the accessible names of the locale they run in.
 * Same rules as Chrome: `$NAME$` placeholders expand to their content, then
 * `$1`…`$9` take the substitutions and `$$` is a dollar sign.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installMessages, type MessageKey } from '../../src/shared/i18n';

export type Locale = 'en' | 'es';
export interface CatalogEntry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export type Catalog = Record<string, CatalogEntry>;

const root = fileURLToPath(new URL('../../public/_locales/', import.meta.url));

export function catalog(locale: Locale): Catalog {
  return JSON.parse(readFileSync(`${root}${locale}/messages.json`, 'utf8')) as Catalog;
}

export function format(entry: CatalogEntry | undefined, substitutions: readonly string[]): string {
  if (!entry) return '';
  let text = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
    const found = Object.entries(entry.placeholders ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
    return found ? found[1].content : whole;
  });
  text = text.replace(/\$(\$|[1-9])/g, (_, d: string) => (d === '$' ? '$' : (substitutions[Number(d) - 1] ?? '')));
  return text;
}

/** A `t()` for one locale: `words('es')('answer')` → "Contestar". */
export function words(locale: Locale): (key: MessageKey, ...subs: (string | number)[]) => string {
  const c = catalog(locale);
  return (key, ...subs) => {
    const entry = c[key];
    if (!entry) throw new Error(`no message ${key} in ${locale}`);
    return format(entry, subs.map(String));
  };
}

export function installCatalog(locale: Locale = 'en'): void {
  const c = catalog(locale);
  installMessages((key, subs) => format(c[key], subs), locale);
}
