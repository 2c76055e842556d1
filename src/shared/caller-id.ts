/**
 * Caller identity from an INVITE is untrusted input: a display name can carry
 * control characters, bidi overrides that reverse the text around it, or be
 * kilobytes long. These pure helpers make it safe to show as plain text (the
 * pages never build HTML from it either).
 */
const MAX_NAME = 64;
const MAX_NUMBER = 32;

/**
 * Every control (Cc) and format (Cf) character: C0/C1 controls, bidi marks,
 * embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9),
 * zero-width and invisible operators (U+200B–D, U+2060–4), the soft hyphen,
 * U+180E, interlinear annotations (U+FFF9–B), tag characters (U+E0000–7F) and
 * the BOM; plus the invisible letters and marks that are not Cf: the
 * combining grapheme joiner U+034F and the Hangul fillers.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u034f\u115f\u1160\u3164\uffa0]/gu;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** At most `max` user-perceived characters: never cuts a surrogate pair, an emoji sequence or a base from its accents. */
export function clipGraphemes(text: string, max: number): string {
  const parts = Array.from(graphemes.segment(text), (g) => g.segment);
  return parts.length > max ? `${parts.slice(0, max - 1).join('')}…` : text;
}

export function sanitizeDisplayName(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  // Bounded before the regexes run: a caller can send kilobytes.
  const cleaned = raw.slice(0, 4096).replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
  return clipGraphemes(cleaned, MAX_NAME);
}

/** The user part of a SIP URI as a phone number or SIP user, limited to safe characters. */
export function sanitizeNumber(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  let user = raw;
  try {
    user = decodeURIComponent(raw);
  } catch {
    // A malformed %-escape: keep the raw text, the filter below makes it safe.
  }
  return user.replace(/[^0-9A-Za-z+*#._-]/g, '').slice(0, MAX_NUMBER);
}
