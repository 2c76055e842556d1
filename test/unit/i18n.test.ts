/**
 * The catalogs in public/_locales: Spanish complete and shaped like English,
 * every key the code or a page asks for present, none left over, and the
 * words the code assembles (plurals, lists, times) right in both languages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { catalog, installCatalog } from '../fakes/i18n';
import { ERROR_CODES } from '../../src/shared/errors';
import { plural, listOf } from '../../src/shared/i18n';
import { callAlertWords, callNotification, describeError, whereCallsGo } from '../../src/shared/text';
import { diagnose } from '../../src/shared/line-test';
import { badgeFor } from '../../src/background/badge';
import { initialSnapshot } from '../../src/shared/snapshot';

const root = fileURLToPath(new URL('../..', import.meta.url));
const en = catalog('en');
const es = catalog('es');
const numbers = (m: string) => [...m.matchAll(/\$([1-9])/g)].map((x) => x[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : /\.(tsx?|html|json)$/.test(d.name) ? [readFileSync(join(dir, d.name), 'utf8')] : []));
}
const pages = [...sources(join(root, 'public')).filter((t) => !t.includes('"message"')), readFileSync(join(root, 'manifest.json'), 'utf8')].join('\n');
const code = [...sources(join(root, 'src')), pages].join('\n');

afterEach(() => installCatalog('en'));

describe('the message catalogs', () => {
  it('Spanish has every English key and no other, with the same substitutions', () => {
    expect(Object.keys(es)).toEqual(Object.keys(en));
    for (const [key, entry] of Object.entries(en)) {
      expect(es[key]?.message, key).toBeTruthy();
      expect(numbers(es[key]?.message ?? ''), key).toEqual(numbers(entry.message));
    }
  });

  it('a Spanish message is the English one only where no translation exists (names, formats, units)', () => {
    const same = Object.keys(en).filter((k) => es[k]?.message === en[k]?.message);
    expect(same.sort()).toEqual(['ageMinutes', 'ageMinutesSeconds', 'ageSeconds', 'announceCall', 'audioHeading', 'extName', 'extShortName', 'lastCall', 'numberExample', 'secondsShort', 'shortcutLine', 'softphone']);
  });

  it('keys are valid Chrome message names and every $ is a substitution', () => {
    for (const [key, entry] of Object.entries({ ...en, ...es })) {
      expect(key).toMatch(/^[A-Za-z0-9_]+$/);
      expect(entry.message.replace(/\$[1-9]/g, ''), key).not.toContain('$');
    }
  });

  it('every key the pages, the manifest and the code ask for exists, and none is left over', () => {
    const asked = [...pages.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"|__MSG_([A-Za-z0-9_]+)__/g)].map((m) => m[1] ?? m[2]);
    expect(asked.length).toBeGreaterThan(50);
    expect(asked.filter((k) => !(k! in en))).toEqual([]);
    const dynamic = new Set(ERROR_CODES.map((c) => `error_${c}`));
    const unused = Object.keys(en).filter((k) => !dynamic.has(k) && !code.includes(`'${k}'`) && !code.includes(`"${k}"`) && !code.includes(`__MSG_${k}__`));
    expect(unused).toEqual([]);
  });

  it('the toolbar badge fits: at most 4 characters in both languages', () => {
    for (const c of [en, es]) for (const k of ['badgeOn', 'badgeOff', 'badgeRing', 'badgeCall']) expect([...(c[k]?.message ?? '')].length, k).toBeLessThanOrEqual(4);
  });
});

describe('assembled words', () => {
  it('plurals follow the language', () => {
    expect(plural(1, { one: 'missedCallsOne', other: 'missedCallsOther' })).toBe('1 missed call');
    expect(plural(3, { one: 'missedCallsOne', other: 'missedCallsOther' })).toBe('3 missed calls');
    installCatalog('es');
    expect(plural(1, { one: 'missedCallsOne', other: 'missedCallsOther' })).toBe(es.missedCallsOne?.message.replace('$1', '1'));
    expect(plural(3, { one: 'missedCallsOne', other: 'missedCallsOther' })).toBe(es.missedCallsOther?.message.replace('$1', '3'));
    expect(listOf(['a', 'b'])).toBe('a y b');
  });

  it('the same state speaks Spanish in every place it is said', () => {
    installCatalog('es');
    expect(describeError('invalid_credentials')).toBe(es.error_invalid_credentials?.message);
    expect(whereCallsGo({ forwardingEnabled: true, forwardingNumber: '+1 555 0100', voicemailEnabled: false, ringTimeoutSeconds: 28 })).toBe(es.route_forwarding_meanwhile?.message.replace('$1', '+1 555 0100'));
    const n = callNotification({ remoteName: '', remoteNumber: '', lineTest: false }, false, callAlertWords());
    expect([n.title, n.message, ...n.buttons]).toEqual([es.incomingCall?.message, es.unknownCaller?.message, es.answer?.message, es.decline?.message]);
    const s = { ...initialSnapshot(Date.now()), login: 'signed-in' as const, softphoneEnabled: false, account: { name: 'Ana', vPhoneNumber: '+1 555 0100', username: 'ana', server: 'https://x', email: 'a@x', accountId: 'a' } };
    const badge = badgeFor(s as never, Date.now());
    expect(badge.text).toBe(es.badgeOff?.message);
    expect(badge.title).toContain(es.headlineOff?.message);
    const d = diagnose({ phase: 'done', startedAt: 0, id: 't', notHere: null, error: null, report: { state: 'done', answeredBy: 'extension', legs: [{ route: 'extension', rangAfterMs: 200, answeredAfterMs: 900 }] } }, null);
    expect(d.lines[0]).toBe(es.lineAnsweredHere?.message.replace('$1', es.lineRangHereAfter?.message.replace('$1', '0,2 s') ?? ''));
    // Nothing rang here nor away, and voicemail answered late: its own sentence (Spanish cannot say "it rang nowhere").
    const late = diagnose({ phase: 'done', startedAt: 0, id: 't', notHere: 'off', error: null, report: { state: 'done', answeredBy: 'voicemail', legs: [{ route: 'voicemail', rangAfterMs: null, answeredAfterMs: 28_000 }] } }, null);
    expect(late.lines[0]).toBe(es.lineNothingRangVoicemailAfter?.message.replace('$1', '28,0 s'));
    expect(late.lines[1]).toBe(es.lineNotHere?.message.replace('$1', es.lineNotHereOff?.message ?? ''));
  });
});
