/**
 * Reading REGISTER traffic off the wire, as pure functions. JsSIP does not tell
 * us about refreshes (it emits `registered` once) and silently ignores a 200 OK
 * that does not list our contact, so the engine watches the messages itself.
 */

export interface RegisterRequestInfo {
  cseq: number;
}

export interface RegisterReplyInfo {
  cseq: number;
  status: number;
  reason: string;
  /** Contact URIs listed in the reply (bindings the registrar holds for this AOR). */
  contacts: string[];
}

const HEADER_END = /\r?\n\r?\n/;

function headerLines(message: string): string[] {
  const head = message.split(HEADER_END, 1)[0] ?? '';
  // Unfold continuation lines (RFC 3261 7.3.1).
  return head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
}

function headerValues(lines: string[], ...names: string[]): string[] {
  const wanted = names.map((n) => n.toLowerCase());
  return lines
    .slice(1)
    .map((line) => {
      const colon = line.indexOf(':');
      return colon < 0 ? null : { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() };
    })
    .filter((h): h is { name: string; value: string } => h !== null && wanted.includes(h.name))
    .map((h) => h.value);
}

function registerCseq(lines: string[]): number | null {
  const cseq = headerValues(lines, 'CSeq')[0];
  const match = cseq && /^(\d+)\s+REGISTER$/i.exec(cseq);
  return match ? Number(match[1]) : null;
}

/** Splits a Contact header value on commas outside quotes and angle brackets. */
function splitContacts(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

function contactUri(contact: string): string {
  const angled = /<([^>]*)>/.exec(contact);
  return (angled ? angled[1] : contact.split(';')[0])?.trim() ?? '';
}

/** An outgoing REGISTER (a refresh, or its authenticated retry), or null. */
export function parseRegisterRequest(message: string): RegisterRequestInfo | null {
  if (!/^REGISTER\s/i.test(message)) return null;
  const cseq = registerCseq(headerLines(message));
  return cseq === null ? null : { cseq };
}

/** A response to REGISTER, or null for anything else. */
export function parseRegisterReply(message: string): RegisterReplyInfo | null {
  const lines = headerLines(message);
  const status = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(lines[0] ?? '');
  if (!status) return null;
  const cseq = registerCseq(lines);
  if (cseq === null) return null;
  const contacts = headerValues(lines, 'Contact', 'm').flatMap(splitContacts).map(contactUri);
  return { cseq, status: Number(status[1]), reason: status[2] ?? '', contacts };
}

/** True when a contact URI in the reply is ours (same user part, the stable contact id). */
export function listsContact(reply: RegisterReplyInfo, contactUser: string): boolean {
  return reply.contacts.some((uri) => new RegExp(`^sips?:${escapeRegExp(contactUser)}@`, 'i').test(uri));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
