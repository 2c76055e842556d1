/**
 * Caller identity from an INVITE is untrusted input: a display name can carry
 * control characters, bidi overrides that reverse the text around it, or be
 * kilobytes long. These pure helpers make it safe to show as plain text (the
 * pages never build HTML from it either).
 */
const MAX_NAME = 64;
const MAX_NUMBER = 32;

// C0/C1 controls (matching them is the point here), bidi embeddings/overrides/isolates, zero-width and BOM characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function sanitizeDisplayName(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const cleaned = raw.replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
  return cleaned.length > MAX_NAME ? `${cleaned.slice(0, MAX_NAME - 1)}…` : cleaned;
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
