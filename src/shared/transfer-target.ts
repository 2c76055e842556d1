/**
 * What the agent types in "Transfer to" becomes a SIP URI. A number or a user
 * name is dialled in the account's own SIP domain (`sip:<typed>@<domain>`,
 * spaces and `().-` removed, as agents type numbers); a full `sip:` URI is used
 * as it is, after a strict check (it goes into a REFER's Refer-To header).
 */
const PUNCTUATION = /[\s().-]/g;
const NUMBER = /^\+?[0-9]{2,20}$/;
const USER = /^[A-Za-z0-9_]{1,64}$/;
const SIP_URI = /^sips?:[A-Za-z0-9_.!~*'+%-]{1,64}@[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$/;

/** The domain of an account URI (`sip:alice@vphone.lab` → `vphone.lab`), or null. */
export function sipDomainOf(uri: string): string | null {
  const m = /^sips?:[^@]+@([^;:>]+)/.exec(uri);
  return m?.[1] ?? null;
}

/** The URI to REFER the caller to, or null when the text cannot be a target. */
export function transferUri(typed: string, domain: string): string | null {
  const text = typed.trim();
  if (/^sips?:/i.test(text)) return SIP_URI.test(text) ? text : null;
  const compact = text.replace(PUNCTUATION, '');
  if (NUMBER.test(compact) || USER.test(compact)) return `sip:${compact}@${domain}`;
  return null;
}
