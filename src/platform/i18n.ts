/**
 * Installs Chrome's message lookup (`_locales`) for this context. Imported
 * first by every entry point that shows words (worker, popup, options,
 * permission page); the offscreen document has no chrome.i18n and does not
 * import it. Pages fill their static text with page-i18n.ts.
 */
import { installMessages } from '../shared/i18n';

installMessages((key, substitutions) => chrome.i18n.getMessage(key, substitutions), chrome.i18n.getUILanguage());
