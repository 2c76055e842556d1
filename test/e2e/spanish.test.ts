/**
 * The extension in Spanish: Chromium run with --lang=es (Debian's
 * chromium-l10n), and every word the agent meets — the popup in each state,
 * the call's notification, the missed-calls notification, the toolbar
 * tooltip, the options page and the microphone page — comes from
 * _locales/es, with no English left, and passes axe. Names are taken from the Spanish catalog
 * (the English names are the interface; these are their translations).
 *
 * "No English left" is checked two ways on each page's visible text and
 * accessible names (aria-label, placeholder, title, options): no English
 * message of the catalog (or a piece of one between its substitutions) is
 * there, and none of a list of common English words is.
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { catalog, words } from '../fakes/i18n';
import { callNotificationId } from '../../src/shared/call-state';
import { audit, grantMicrophone, LabConsole, launchAgent, notifications, snapshot, startTestLab, until, type Agent } from './harness';

const BOB = { user: 'bob', password: 'bob-password', number: '+15550001002' };
const es = words('es');
const EN = catalog('en');
const ES = catalog('es');
const SHOTS = 'artifacts/screens-es';

/** English pieces to look for: each English message that Spanish changes, cut at its substitutions. */
const englishPieces: string[] = [
  ...new Set(
    Object.entries(EN)
      .filter(([key, e]) => ES[key]?.message !== e.message)
      .flatMap(([key, e]) =>
        e.message
          .split(/\$[1-9]/)
          .map((p) => p.trim().replace(/^[\s:;,.()·—–-]+|[\s:;,.()·—–-]+$/g, ''))
          // A unit or a technical token that Spanish keeps too ("ms", "SIP INFO") is not English left behind.
          .filter((p) => /\p{L}{2}/u.test(p) && !(ES[key]?.message ?? '').includes(p)),
      ),
  ),
];
const ENGLISH_WORDS = ['the', 'and', 'your', 'you', 'with', 'this', 'is', 'are', 'to', 'of', 'for', 'call', 'calls', 'not', 'from', 'here', 'ring', 'on', 'off'];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wholeWord = (w: string, flags = 'u') => new RegExp(`(?<![\\p{L}\\p{N}])${escape(w)}(?![\\p{L}\\p{N}])`, flags);

/** What a person sees or hears on the page: its text, its accessible names and hints, its options. */
function pageWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = [document.title, document.body.innerText];
    for (const el of document.querySelectorAll('*')) {
      for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
        const v = el.getAttribute(a);
        if (v) parts.push(v);
      }
    }
    for (const o of document.querySelectorAll('option')) parts.push(o.textContent ?? '');
    return parts.join('\n');
  });
}

/** The English found in some text (catalog pieces, then common words); [] when there is none. */
function englishIn(text: string, allowed: string[] = []): string[] {
  let rest = text;
  for (const a of allowed) rest = rest.split(a).join(' ');
  const pieces = englishPieces.filter((p) => wholeWord(p).test(rest));
  const common = ENGLISH_WORDS.filter((w) => wholeWord(w, 'iu').test(rest));
  return [...pieces, ...common];
}

async function expectSpanish(page: Page, state: string, allowed: string[] = []): Promise<void> {
  // The Spanish pages pass axe too (longer words, the page's lang): no serious or critical violation.
  await audit(page, `Spanish, ${state}`);
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${state.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
  const text = await pageWords(page);
  expect(englishIn(text, allowed), `${state}:\n${text}`).toEqual([]);
}

let lab: Lab;
let agent: Agent;
let lc: LabConsole;
let popup: Page;
/** Data that is not the extension's words: the lab's account, its server address. */
let data: string[] = [];

beforeAll(async () => {
  lab = await startTestLab('spanish', { ringTimeoutSeconds: 25 });
  agent = await launchAgent({ lang: 'es' });
  popup = agent.popup;
  await grantMicrophone(agent, agent.origin);
  lc = await LabConsole.open(agent, lab.consoleUrl);
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('in Spanish (--lang=es)', () => {
  it('the check itself finds English: it would fail on the English words', () => {
    expect(englishIn('Ready to receive calls')).not.toEqual([]);
    expect(englishIn('Calls ring +1 555 0100 meanwhile.')).not.toEqual([]);
    expect(englishIn(`${es('state_registered')}\n${es('route_forwarding_meanwhile', '+1 555 0100')}`)).toEqual([]);
  });

  it('Chromium runs in Spanish (chromium-l10n), and so does the extension', async () => {
    const lang = await popup.evaluate(() => chrome.i18n.getUILanguage());
    expect(lang, 'Chromium did not take --lang=es: is Debian package chromium-l10n installed?').toMatch(/^es/);
    expect(await popup.evaluate(() => document.documentElement.lang)).toMatch(/^es/);
  });

  it('the sign-in form and its error', async () => {
    await until('the form', async () => (await popup.getByRole('button', { name: es('signIn') }).count()) === 1);
    await expectSpanish(popup, 'sign-in');
    await popup.getByRole('textbox', { name: es('server') }).fill(lab.loginUrl);
    await popup.getByRole('textbox', { name: es('username') }).fill(BOB.user);
    await popup.getByLabel(es('password')).fill('wrong');
    await popup.getByRole('button', { name: es('signIn') }).click();
    await until('the error', async () => (await popup.getByRole('alert').textContent()) === es('error_invalid_credentials'));
    await expectSpanish(popup, 'sign-in error');
  });

  it('signed in, softphone off, then ready: status, routing, recent calls, voicemail', async () => {
    await popup.getByLabel(es('password')).fill(BOB.password);
    await popup.getByRole('button', { name: es('signIn') }).click();
    await until('signed in', async () => (await popup.getByLabel(es('signedInAccount')).count()) === 1);
    const s = await snapshot(agent);
    data = [s.account?.name ?? '', s.account?.vPhoneNumber ?? '', s.account?.username ?? '', new URL(lab.loginUrl).host].filter(Boolean);
    await until('off, said in Spanish', async () => ((await popup.getByRole('status').first().textContent()) ?? '').includes(es('headlineOff')));
    await expectSpanish(popup, 'softphone off', data);

    await popup.getByRole('switch', { name: es('softphone') }).click();
    await until('registered', async () => (await snapshot(agent)).registration === 'registered');
    await until('ready, said in Spanish', async () => ((await popup.getByRole('status').first().textContent()) ?? '').includes(es('state_registered')));
    await expect(popup.getByRole('list', { name: es('recentCalls') }).or(popup.getByText(es('noCallsYet'))).count()).resolves.toBeGreaterThan(0);
    await expectSpanish(popup, 'ready', data);
  });

  it('a call: the notification, the ringing panel, the call with its controls, all in Spanish', async () => {
    const caller = 'Lucía Pérez';
    const id = await lc.call(BOB.number, caller);
    await until('rings', async () => (await popup.getByRole('region', { name: es('incomingCall') }).count()) === 1);
    const callId = (await snapshot(agent)).calls[0]?.id ?? '';
    const shown = await until('the notification', async () => (await notifications(agent))[callNotificationId(callId)]);
    expect(shown.title).toBe(es('incomingCall'));
    expect(shown.buttons).toEqual([es('answer'), es('decline')]);
    expect(englishIn(`${shown.title}\n${shown.message}`, [caller, BOB.number])).toEqual([]);
    const tooltip = await (await agent.worker()).evaluate(() => chrome.action.getTitle({}));
    expect(englishIn(tooltip, [...data, 'vPhone'])).toEqual([]);
    expect(tooltip).toContain(es('incomingCall'));
    await expectSpanish(popup, 'ringing', [...data, caller]);

    await popup.getByRole('button', { name: es('answer') }).click();
    await lc.waitFor('connected', (e) => e.id === id && e.type === 'confirmed');
    const call = popup.getByRole('region', { name: es('callInProgress') });
    await until('in the call', async () => (await call.count()) === 1);
    await call.getByRole('button', { name: es('keypad') }).click();
    await call.getByRole('button', { name: es('transfer') }).click();
    for (const name of [es('mute'), es('hold'), es('hangUp'), es('transferNow')]) expect(await call.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    await expectSpanish(popup, 'in a call', [...data, caller]);
    await call.getByRole('button', { name: es('hangUp'), exact: true }).click();
    await until('over', async () => (await snapshot(agent)).calls.length === 0);
  });

  it('a missed call: the grouped notification, the toolbar tooltip and the recent calls', async () => {
    const id = await lc.call(BOB.number, 'Lucía Pérez');
    await until('rings', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing'));
    await lc.hangup(id);
    const missed = await until('the missed-calls notification', async () => (await notifications(agent)).missed);
    expect(missed.title).toBe(es('missedTitleOne'));
    const tooltip = await (await agent.worker()).evaluate(() => chrome.action.getTitle({}));
    expect(tooltip).toContain(es('missedCallsOne', 1));
    expect(englishIn(tooltip, [...data, 'vPhone'])).toEqual([]);
    const list = popup.getByRole('list', { name: es('recentCalls') });
    await until('listed', async () => (await list.getByText(es('outcome_missed'), { exact: true }).count()) === 1);
    expect(await list.getByText(es('outcome_answered'), { exact: true }).count()).toBe(1);
    await expectSpanish(popup, 'after a missed call', [...data, 'Lucía Pérez']);
  });

  it('the options page', async () => {
    const options = await agent.context.newPage();
    await options.goto(`${agent.origin}/options.html`);
    await until('diagnostics', async () => (await options.locator('#diagnostics tr').count()) > 5);
    await until('the routing', async () => ((await options.locator('#ring-timeout').textContent()) ?? '') !== '');
    await options.locator('#timeline-details').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    await until('the timeline', async () => (await options.locator('#timeline tr').count()) > 0);
    expect(await options.getByRole('heading', { level: 1 }).textContent()).toBe(es('phoneHeading'));
    const email = (await snapshot(agent)).account?.email ?? '';
    const devices = await options.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).map((d) => d.label).filter(Boolean));
    // The server address, the account's e-mail and the devices' own names are data, not the extension's words.
    await expectSpanish(options, 'options', [...data, email, lab.loginUrl, ...devices]);
    await options.close();
  });

  it('the microphone page', async () => {
    const page = await agent.context.newPage();
    await page.goto(`${agent.origin}/permission.html`);
    await until('its words', async () => ((await page.locator('#status').textContent()) ?? '') !== '');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(es('permissionHeading'));
    await expectSpanish(page, 'microphone page');
    await page.close();
  });
});
