import { describe, expect, it } from 'vitest';
import { sanitizeDisplayName, sanitizeNumber } from '../../../src/shared/caller-id';
import { callerLabel } from '../../../src/shared/text';

describe('caller identity is untrusted input', () => {
  it('strips controls and bidi overrides, keeps ordinary names', () => {
    expect(sanitizeDisplayName('Zoë Ñúñez')).toBe('Zoë Ñúñez');
    expect(sanitizeDisplayName('Bank\u202Eredoc\u202C')).toBe('Bankredoc');
    expect(sanitizeDisplayName('a\u0000b\nc\td')).toBe('abcd');
  });
  it('leaves markup as text (the pages never interpret it) and caps the length', () => {
    expect(sanitizeDisplayName('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    const long = sanitizeDisplayName('x'.repeat(500));
    expect(long.length).toBe(64);
    expect(long.endsWith('…')).toBe(true);
  });
  it('strips every invisible and direction character, not only the well-known ones', () => {
    const hidden = ['\u061C', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\u180E', '\u00AD', '\u034F', '\u{E0041}', '\u{E007F}', '\uFFF9', '\uFFFA', '\uFFFB', '\u3164'];
    for (const ch of hidden) expect(sanitizeDisplayName(`Ad${ch}min`), `U+${ch.codePointAt(0)?.toString(16)}`).toBe('Admin');
  });
  it('cuts by grapheme: never half a surrogate pair or an emoji sequence', () => {
    const family = '👨\u200D👩\u200D👧';
    const cut = sanitizeDisplayName(`${'a'.repeat(62)}😀😀😀`);
    expect(cut).toBe(`${'a'.repeat(62)}😀…`.slice(0, 62) + '😀…');
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
    // ZWJ is a format character: a family emoji falls apart into its people, none of them cut.
    expect(sanitizeDisplayName(family)).toBe('👨👩👧');
    const accents = sanitizeDisplayName('é'.normalize('NFD').repeat(100));
    expect(accents.endsWith('e\u0301…')).toBe(true);
  });
  it('handles non-strings', () => {
    expect(sanitizeDisplayName(undefined)).toBe('');
    expect(sanitizeNumber(null)).toBe('');
  });
  it('keeps only dialable characters in numbers', () => {
    expect(sanitizeNumber('+1555%200001')).toBe('+15550001');
    expect(sanitizeNumber('%E0%A4%A')).toBe('E0A4A');
    expect(sanitizeNumber('alice"><script>')).toBe('alicescript');
  });
  it('labels callers', () => {
    expect(callerLabel('Bob', '+1555')).toBe('Bob (+1555)');
    expect(callerLabel('', '+1555')).toBe('+1555');
    expect(callerLabel('+1555', '+1555')).toBe('+1555');
    expect(callerLabel('', '')).toBe('Unknown caller');
  });
});
