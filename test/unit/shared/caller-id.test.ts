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
