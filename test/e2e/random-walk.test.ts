/**
 * A random walk against the real server: a seeded sequence of what agents and
 * networks do (switch on and off, on again during a call, sign out and in,
 * calls answered, declined, missed, the server frozen, restarted, stopped,
 * the binding removed, the worker stopped, the offscreen document closed),
 * and after each step an oracle that waits for things to settle and checks
 * that what the popup, the badge and the notifications say agrees with the
 * server's location table and with whether a test call actually rings here.
 *
 *   npm test                      a short walk (WALK_STEPS, default 12)
 *   npm run test:walk             a long one (300 steps)
 *   WALK_SEED=1234 npm run test:walk    replays a walk: every failure prints its seed
 *
 * Periods are shortened through the extension's `tuning` (as in recovery.test.ts)
 * so that a fault is found and repaired in seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { grantMicrophone, LabConsole, launchAgent, notifications, signIn, snapshot, startTestLab, until, type Agent } from './harness';

const BOB = { user: 'bob', password: 'bob-password', name: 'Bob Builder', number: '+15550001002' };
const TUNING = {
  refreshSeconds: 5,
  registerDeadlineMs: 2000,
  connectTimeoutMs: 2000,
  keepAliveSeconds: 2,
  keepAliveDeadlineMs: 1500,
  watchdogMinutes: 0.1,
  graceSeconds: 2,
  escalateSeconds: 6,
};
const STEPS = Number(process.env.WALK_STEPS ?? 12);
const SEED = Number(process.env.WALK_SEED ?? Date.now() % 1_000_000);
const SETTLE_MS = 30_000;

/** mulberry32: a small seeded PRNG, so a walk replays from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Model {
  signedIn: boolean;
  softphone: boolean;
}

let lab: Lab;
let agent: Agent;
let lc: LabConsole;
let popup: Page;
let cdp: CDPSession;
const model: Model = { signedIn: false, softphone: false };
const random = prng(SEED);
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const statusText = async () => (await popup.getByRole('status').first().textContent()) ?? '';
const badgeText = async () => (await agent.worker()).evaluate(() => chrome.action.getBadgeText({}));
const bindings = async () => (await lab.locations(BOB.user)).length;
const softphoneSwitch = () => popup.getByRole('switch', { name: 'Softphone' });

async function toggleSoftphone(): Promise<void> {
  await until('the switch can be used', () => softphoneSwitch().isEnabled(), 10_000);
  await softphoneSwitch().click();
  model.softphone = !model.softphone;
  await until('the switch follows', async () => (await softphoneSwitch().getAttribute('aria-checked')) === String(model.softphone), 10_000);
}

/** Places a call and waits until it rings here; null when it did not (the oracle decides if that is right). */
async function ringingCall(label: string, timeoutMs = 8000): Promise<{ callerId: string; callId: string } | null> {
  const callerId = await lc.call(BOB.number, label);
  try {
    const call = await until('rings here', async () => (await snapshot(agent)).calls.find((c) => c.phase === 'ringing'), timeoutMs);
    return { callerId, callId: call.id };
  } catch {
    await lc.hangup(callerId);
    return null;
  }
}

async function answer(callId: string, callerId: string): Promise<void> {
  await popup.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await lc.waitFor('caller confirmed', (e) => e.id === callerId && e.type === 'confirmed');
  await until('active here', async () => (await snapshot(agent)).calls.some((c) => c.id === callId && c.phase === 'active'));
}

async function callOver(): Promise<void> {
  await until('no call here', async () => (await snapshot(agent)).calls.length === 0, 15_000);
}

/** weight: how often a step is drawn among those possible now (an agent acts more often than a server fails). */
type Step = { name: string; when: () => boolean; run: () => Promise<void>; weight?: number };

function draw(steps: Step[]): Step {
  const total = steps.reduce((sum, s) => sum + (s.weight ?? 3), 0);
  let r = random() * total;
  for (const s of steps) {
    r -= s.weight ?? 3;
    if (r < 0) return s;
  }
  return steps[steps.length - 1] as Step;
}

const STEPS_TABLE: Step[] = [
  { name: 'switch the softphone on', when: () => model.signedIn && !model.softphone, run: toggleSoftphone },
  { name: 'switch the softphone off', when: () => model.signedIn && model.softphone, run: toggleSoftphone },
  {
    name: 'sign out',
    when: () => model.signedIn,
    run: async () => {
      await popup.getByRole('button', { name: 'Sign out' }).click();
      await until('signed out', () => popup.getByRole('button', { name: 'Sign in' }).isVisible());
      model.signedIn = false;
    },
  },
  {
    name: 'sign in',
    when: () => !model.signedIn,
    run: async () => {
      await signIn(popup, lab.loginUrl, BOB.user, BOB.password);
      await until('signed in', async () => (await popup.getByLabel('Signed in account').count()) === 1);
      model.signedIn = true; // The softphone comes back as the agent left it.
    },
  },
  {
    name: 'a call is answered, then the caller hangs up',
    when: () => model.signedIn && model.softphone,
    run: async () => {
      const c = await ringingCall('Walk answered');
      if (!c) return;
      await answer(c.callId, c.callerId);
      await sleep(between(200, 1500));
      await lc.hangup(c.callerId);
      await callOver();
    },
  },
  {
    name: 'a call is declined',
    when: () => model.signedIn && model.softphone,
    run: async () => {
      const c = await ringingCall('Walk declined');
      if (!c) return;
      await popup.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Decline' }).click();
      await callOver();
      await lc.hangup(c.callerId); // voicemail took it
    },
  },
  {
    name: 'a call is missed (the caller gives up)',
    when: () => model.signedIn && model.softphone,
    run: async () => {
      const c = await ringingCall('Walk missed');
      if (!c) return;
      await sleep(between(100, 1500));
      await lc.hangup(c.callerId);
      await callOver();
    },
  },
  {
    name: 'switched off and on again during a call',
    when: () => model.signedIn && model.softphone,
    run: async () => {
      const c = await ringingCall('Walk off-on');
      if (!c) return;
      await answer(c.callId, c.callerId);
      await toggleSoftphone();
      await sleep(between(0, 1500));
      await toggleSoftphone();
      await sleep(between(0, 1500));
      await lc.hangup(c.callerId);
      await callOver();
    },
  },
  {
    name: 'the server freezes for a while',
    weight: 1,
    when: () => true,
    run: async () => {
      await lab.freezeKamailio();
      await sleep(between(1000, 6000));
      await lab.thawKamailio();
      await lc.reload();
    },
  },
  {
    name: 'the server restarts',
    weight: 1,
    when: () => true,
    run: async () => {
      await lab.restartKamailio();
      await lc.reload();
    },
  },
  {
    name: 'the server is down for a while',
    weight: 1,
    when: () => true,
    run: async () => {
      await lab.stopKamailio();
      await sleep(between(1000, 9000));
      await lab.startKamailio();
      await lc.reload();
    },
  },
  { name: 'the binding is removed on the server', weight: 2, when: () => model.signedIn && model.softphone, run: () => lab.dropBinding(BOB.user) },
  {
    name: 'the service worker is stopped',
    weight: 1,
    when: () => true,
    run: async () => {
      await cdp.send('ServiceWorker.stopAllWorkers');
    },
  },
  {
    name: 'the offscreen document is closed',
    weight: 2,
    when: () => model.signedIn && model.softphone,
    run: async () => {
      await (await agent.worker()).evaluate(() => chrome.offscreen.closeDocument().catch(() => undefined));
    },
  },
];

/**
 * Once things settle, every word agrees with the server: ready here exactly
 * when signed in with the softphone on, one binding then and none otherwise,
 * no "cannot receive calls" notice, and a test call rings here or goes to
 * voicemail accordingly.
 */
async function oracle(step: string): Promise<void> {
  const wants = model.signedIn && model.softphone;
  const where = `after "${step}" (seed ${SEED})`;
  if (wants) {
    await until(
      `${where}: Ready in the popup, ON on the badge, one binding, no alarm`,
      async () =>
        (await statusText()).includes('Ready to receive calls') &&
        /^(ON|\d+)$/.test(await badgeText()) && // ON, or the count of missed calls not seen yet
        (await bindings()) === 1 &&
        !(await notifications(agent)).connection,
      SETTLE_MS,
      250,
    );
    const c = await ringingCall('Walk check', 10_000);
    expect(c, `${where}: a test call rings here`).not.toBeNull();
    if (c) await lc.hangup(c.callerId);
    await callOver();
    expect((await notifications(agent)).connection, `${where}: no "cannot receive calls" while calls ring here`).toBeUndefined();
  } else {
    await until(
      `${where}: off or signed out in every word, no binding, no alarm`,
      async () => {
        const text = model.signedIn ? await statusText() : '';
        return (
          (!model.signedIn || text.includes('Softphone is off')) &&
          (await badgeText()) === (model.signedIn ? 'OFF' : '') &&
          (await bindings()) === 0 &&
          !(await notifications(agent)).connection
        );
      },
      SETTLE_MS,
      250,
    );
    const since = Date.now();
    const callerId = await lc.call(BOB.number, 'Walk check (off)');
    await lc.waitFor(`${where}: voicemail answers`, (e) => e.who === 'voicemail' && e.type === 'answered' && e.t >= since, 10_000);
    expect((await snapshot(agent)).calls, `${where}: nothing rings here`).toEqual([]);
    await lc.hangup(callerId);
  }
}

beforeAll(async () => {
  console.log(`random walk: seed ${SEED}, ${STEPS} steps (replay: WALK_SEED=${SEED} WALK_STEPS=${STEPS} npm run test:walk)`);
  lab = await startTestLab('walk', { ringTimeoutSeconds: 15 });
  agent = await launchAgent();
  popup = agent.popup;
  await (await agent.worker()).evaluate((t) => chrome.storage.local.set({ tuning: t }), TUNING);
  await grantMicrophone(agent, agent.origin);
  lc = await LabConsole.open(agent, lab.consoleUrl);
  cdp = await agent.context.newCDPSession(popup);
  await cdp.send('ServiceWorker.enable');
  await signIn(popup, lab.loginUrl, BOB.user, BOB.password);
  await until('signed in', async () => (await popup.getByLabel('Signed in account').count()) === 1);
  model.signedIn = true;
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe(`a random walk against the real server (seed ${SEED})`, () => {
  it(`${STEPS} steps, each followed by the oracle`, { timeout: STEPS * 90_000 + 60_000 }, async () => {
    const started = Date.now();
    const taken: string[] = [];
    for (let i = 0; i < STEPS; i++) {
      const step = draw(STEPS_TABLE.filter((s) => s.when()));
      taken.push(step.name);
      console.log(`step ${i + 1}/${STEPS}: ${step.name}`);
      await step.run();
      await oracle(`${i + 1}. ${step.name}`);
    }
    console.log(`random walk done: seed ${SEED}, ${STEPS} steps in ${Math.round((Date.now() - started) / 1000)} s`);
    expect(taken).toHaveLength(STEPS);
  });
});
