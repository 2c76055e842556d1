/**
 * A working day, compressed (shared by `scripts/bench/soak.ts` and
 * `test/e2e/soak.test.ts`): the signed-in extension takes many calls in a row,
 * ending them every way a call ends, while its registration refreshes
 * thousands of times; at intervals, with no call up, we count what is alive
 * from outside the extension:
 *
 * - Pss of the extension renderer (the worker and the offscreen document), from
 *   /proc, as scripts/bench/memory.ts measures it (popup closed meanwhile);
 * - objects alive in the offscreen document after a full GC (CDP
 *   Runtime.queryObjects on each prototype): RTCPeerConnection,
 *   HTMLAudioElement, MediaStream, MediaStreamTrack, AudioNode, AudioContext,
 *   Notification, WebSocket, PermissionStatus, Promise; and the JS heap used
 *   by the document and the worker;
 * - DOM counters of the offscreen document (CDP Memory.getDOMCounters, read
 *   with the popup closed; the worker has no DOM and its Memory domain no
 *   counters), and the event listeners on the worker's global object (the
 *   DevTools console's getEventListeners);
 * - the engine's own books (found through the closure scope of its `online`
 *   listener, never through a debug handle): calls, alerts, JsSIP sessions,
 *   dialogs, transactions, applicants and UA listeners;
 * - the worker's books (its debug handle): per-call operation queues, the
 *   notification texts it keeps;
 * - notifications on screen (chrome.notifications plus the engine's web
 *   notifications through the worker's registration);
 * - the sizes of the connection timeline, the call log and the recent calls,
 *   and the bytes storage.local holds;
 * - REGISTERs the server accepted (Kamailio's registrar statistics).
 *
 * Live timers: no CDP domain lists a page's pending timers, so there is no
 * absolute count. What a trace can tell honestly: over the last stretch (the
 * last calls and the idle time after them), every timer the extension set
 * (DevTools timeline events TimerInstall / TimerRemove / TimerFire) that is
 * still pending at the end. A timer leaked per call shows there; timers set
 * before the trace are not seen.
 *
 * The browser is started with a DevTools port of its own beside Playwright's
 * pipe: the offscreen document and the service worker are CDP targets that
 * Playwright does not hand out sessions for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import type { Lab } from '../lab/lab';
import { Kamcmd } from '../lab/kamcmd';
import { findKamailioInstall } from '../lab/prerequisites';
import { CHROMIUM, chromiumArgs, grantMicrophone } from '../lib/extension-browser';
import { extensionRenderer, pssKb } from '../lib/proc-usage';
import { sleep, until } from '../lib/until';
import type { Snapshot } from '../../src/shared/snapshot';
import type { CallEndReason } from '../../src/shared/call-state';
import type { EngineState } from '../../src/shared/engine-types';
import type { RecentOutcome } from '../../src/shared/recent-calls';

// --- the calls ------------------------------------------------------------------

/** The ways a call ends, taken in turn. */
export const CALL_KINDS = ['agent-hangup', 'caller-hangup', 'declined', 'missed', 'answered-elsewhere'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** What the extension must conclude for each kind (its lastCall.endReason) and what recent calls say. */
export const EXPECTED: Record<CallKind, { reason: CallEndReason; outcome: RecentOutcome }> = {
  'agent-hangup': { reason: 'local-hangup', outcome: 'Answered' },
  'caller-hangup': { reason: 'remote-hangup', outcome: 'Answered' },
  declined: { reason: 'declined', outcome: 'Declined' },
  missed: { reason: 'missed', outcome: 'Missed' },
  'answered-elsewhere': { reason: 'answered-elsewhere', outcome: 'Answered elsewhere' },
};

export const AGENT = { user: 'alice', password: 'alice-password', number: '+15550001001' };

/** A short refresh period: a REGISTER every tick of the engine (1 s). */
export const SOAK_TUNING = { refreshSeconds: 1 };

// --- a raw DevTools connection --------------------------------------------------

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

interface RemoteObject {
  type: string;
  subtype?: string;
  value?: unknown;
  objectId?: string;
  description?: string;
}

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

type Json = Record<string, unknown>;

/** CDP over the browser's DevTools WebSocket, with flat sessions for any target. */
export class Cdp {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; method: string }>();
  private readonly listeners = new Set<(method: string, params: Json, sessionId: string | undefined) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Json; sessionId?: string };
      if (msg.id === undefined) {
        if (msg.method) for (const l of this.listeners) l(msg.method, msg.params ?? {}, msg.sessionId);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: DevTools connection closed`));
      this.pending.clear();
    });
  }

  static async connect(userDataDir: string): Promise<Cdp> {
    const file = join(userDataDir, 'DevToolsActivePort');
    await until('the DevTools port', () => existsSync(file), 10_000, 50);
    const [port, path] = readFileSync(file, 'utf8').split('\n');
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Cdp(ws);
  }

  send<T = Json>(method: string, params: object = {}, sessionId?: string, timeoutMs = 30_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  /** Every event from every session, until the returned function is called. */
  onEvent(listener: (method: string, params: Json, sessionId: string | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async targets(): Promise<TargetInfo[]> {
    return (await this.send<{ targetInfos: TargetInfo[] }>('Target.getTargets')).targetInfos;
  }

  /** Runs `fn` in a session on the first target matching; detaching releases every object it held. */
  async inTarget<T>(match: (t: TargetInfo) => boolean, fn: (session: CdpSession) => Promise<T>): Promise<T | null> {
    const target = (await this.targets()).find(match);
    if (!target) return null;
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId: target.targetId, flatten: true });
    try {
      return await fn(new CdpSession(this, sessionId));
    } finally {
      await this.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
    }
  }

  /** Starts a browser-wide trace of the DevTools timeline category (timer installs, removals and fires among others). */
  async startTimerTrace(): Promise<void> {
    await this.send('Tracing.start', {
      transferMode: 'ReturnAsStream',
      traceConfig: { includedCategories: ['devtools.timeline'], excludedCategories: ['*'], recordMode: 'recordAsMuchAsPossible' },
    });
  }

  /** Ends the trace and returns its events. */
  async endTrace(): Promise<TraceEvent[]> {
    const complete = new Promise<{ stream: string; dataLossOccurred?: boolean }>((resolve) => {
      const off = this.onEvent((method, params) => {
        if (method !== 'Tracing.tracingComplete') return;
        off();
        resolve(params as { stream: string; dataLossOccurred?: boolean });
      });
    });
    await this.send('Tracing.end');
    const { stream, dataLossOccurred } = await complete;
    if (dataLossOccurred) throw new Error('the trace lost events (buffer full): its timer count would be wrong');
    const parts: string[] = [];
    for (let guard = 0; guard < 100_000; guard++) {
      const r = await this.send<{ data: string; eof: boolean; base64Encoded?: boolean }>('IO.read', { handle: stream, size: 1 << 20 });
      parts.push(r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data);
      if (r.eof) break;
    }
    await this.send('IO.close', { handle: stream });
    const parsed = JSON.parse(parts.join('')) as TraceEvent[] | { traceEvents: TraceEvent[] };
    return Array.isArray(parsed) ? parsed : parsed.traceEvents;
  }

  close(): void {
    this.ws.close();
  }
}

export interface TraceEvent {
  name: string;
  pid: number;
  tid: number;
  ts: number;
  args?: { name?: string; data?: { timerId?: number; frame?: string; timeout?: number; singleShot?: boolean } };
}

export interface PendingTimer {
  where: string;
  timeoutMs: number;
  singleShot: boolean;
}

/**
 * Timers set during a trace and still pending at its end, in the extension's
 * renderer: by the offscreen document (its frame), the service worker and the
 * ticker worker. A timer counts as pending from its TimerInstall until its
 * TimerRemove (clearTimeout / clearInterval) or, for a one-shot, its TimerFire.
 * Timers set before the trace began are not seen (nor counted).
 */
export function pendingTimers(events: TraceEvent[], extensionPid: number, offscreenFrame: string): PendingTimer[] {
  const threads = new Map<number, string>();
  for (const e of events) if (e.pid === extensionPid && e.name === 'thread_name' && e.args?.name) threads.set(e.tid, e.args.name);
  const live = new Map<string, PendingTimer>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    const d = e.args?.data;
    if (e.pid !== extensionPid || !d || d.timerId === undefined) continue;
    const thread = threads.get(e.tid) ?? `thread ${e.tid}`;
    const where = d.frame ? (d.frame === offscreenFrame ? 'offscreen document' : 'another page') : /ServiceWorker/i.test(thread) ? 'service worker' : /DedicatedWorker/i.test(thread) ? 'ticker worker' : thread;
    const key = `${e.tid}:${d.frame ?? ''}:${d.timerId}`;
    if (e.name === 'TimerInstall') live.set(key, { where, timeoutMs: d.timeout ?? 0, singleShot: d.singleShot ?? true });
    else if (e.name === 'TimerRemove') live.delete(key);
    else if (e.name === 'TimerFire' && live.get(key)?.singleShot) live.delete(key);
  }
  return [...live.values()].filter((t) => t.where !== 'another page');
}

const GROUP = 'soak';

export class CdpSession {
  constructor(
    private readonly cdp: Cdp,
    readonly id: string,
  ) {}

  send<T = Json>(method: string, params: object = {}, timeoutMs?: number): Promise<T> {
    return this.cdp.send<T>(method, params, this.id, timeoutMs);
  }

  async evaluate(expression: string, byValue = false, awaitPromise = false): Promise<RemoteObject> {
    const r = await this.send<{ result: RemoteObject; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, objectGroup: GROUP, returnByValue: byValue, awaitPromise });
    if (r.exceptionDetails) throw new Error(`evaluate ${expression}: ${r.exceptionDetails.text}`);
    return r.result;
  }

  async call<T>(objectId: string, functionDeclaration: string, args: unknown[] = []): Promise<T> {
    const r = await this.send<{ result: RemoteObject; exceptionDetails?: { text: string; exception?: RemoteObject } }>('Runtime.callFunctionOn', {
      objectId,
      functionDeclaration,
      arguments: args.map((value) => ({ value })),
      returnByValue: true,
      awaitPromise: true,
      objectGroup: GROUP,
    });
    if (r.exceptionDetails) throw new Error(`callFunctionOn: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  async properties(objectId: string): Promise<{ result: PropertyDescriptor[]; internalProperties?: PropertyDescriptor[] }> {
    return this.send('Runtime.getProperties', { objectId, ownProperties: true, generatePreview: false });
  }

  /** A full garbage collection in this target's isolate. */
  async collectGarbage(): Promise<void> {
    await this.send('HeapProfiler.collectGarbage', {}, 60_000);
  }

  /**
   * How many objects whose prototype chain holds `ctor.prototype` are alive
   * (queryObjects collects garbage first); null when `ctor` does not exist here.
   */
  async countObjects(ctor: string): Promise<number | null> {
    const proto = await this.evaluate(`typeof ${ctor} === 'function' ? ${ctor}.prototype : undefined`);
    if (!proto.objectId) return null;
    const { objects } = await this.send<{ objects: RemoteObject }>('Runtime.queryObjects', { prototypeObjectId: proto.objectId, objectGroup: GROUP }, 60_000);
    const n = await this.call<number>(objects.objectId as string, 'function () { return this.length; }');
    await this.send('Runtime.releaseObjectGroup', { objectGroup: GROUP });
    return n;
  }

  /** A heap snapshot of this target's isolate, summarised: count and bytes per (type, constructor name). */
  async heapSummary(): Promise<HeapSummary> {
    const chunks: string[] = [];
    const off = this.cdp.onEvent((method, params, sessionId) => {
      if (sessionId === this.id && method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(params.chunk as string);
    });
    try {
      await this.send('HeapProfiler.enable');
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false }, 120_000);
      await this.send('HeapProfiler.disable');
    } finally {
      off();
    }
    return summariseHeap(JSON.parse(chunks.join('')) as RawHeapSnapshot);
  }

  async heapUsedBytes(): Promise<number> {
    return (await this.send<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
  }

  /** Event listeners on the global object (DevTools' own view of them); null where neither DOMDebugger nor the console can tell. */
  async globalListeners(): Promise<number | null> {
    const global = await this.evaluate('globalThis');
    if (!global.objectId) return null;
    const r = await this.send<{ listeners: unknown[] }>('DOMDebugger.getEventListeners', { objectId: global.objectId }).catch(() => null);
    if (r) return r.listeners.length;
    // A worker has no DOMDebugger domain; DevTools' command-line API reads the same listeners.
    const viaConsole = await this.send<{ result: RemoteObject; exceptionDetails?: unknown }>('Runtime.evaluate', {
      expression: 'Object.values(getEventListeners(globalThis)).reduce((n, l) => n + l.length, 0)',
      includeCommandLineAPI: true,
      returnByValue: true,
    }).catch(() => null);
    return viaConsole && !viaConsole.exceptionDetails && typeof viaConsole.result.value === 'number' ? viaConsole.result.value : null;
  }

  /** The process's DOM counters (documents, nodes, jsEventListeners); null where the target has none (a worker). */
  async domCounters(): Promise<{ documents: number; nodes: number; jsEventListeners: number } | null> {
    return this.send<{ documents: number; nodes: number; jsEventListeners: number }>('Memory.getDOMCounters').catch(() => null);
  }
}

// --- heap snapshots, summarised ----------------------------------------------------

interface RawHeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** `${type} ${name}` → how many nodes and their shallow bytes. */
export type HeapSummary = Record<string, { count: number; bytes: number }>;

function summariseHeap(raw: RawHeapSnapshot): HeapSummary {
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out: HeapSummary = {};
  for (let i = 0; i < raw.nodes.length; i += width) {
    const type = types[raw.nodes[i + typeAt]!] ?? '?';
    // Strings and numbers by type only (their "name" is their value); closure contexts without
    // their object id (V8 renames them between snapshots).
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' || type === 'hidden' || type === 'code' ? '' : (raw.strings[raw.nodes[i + nameAt]!] ?? '?').replace(/ @\d+$/, '').slice(0, 80);
    const key = `${type} ${name}`.trim();
    const e = (out[key] ??= { count: 0, bytes: 0 });
    e.count += 1;
    e.bytes += raw.nodes[i + sizeAt]!;
  }
  return out;
}

/** What grew between two summaries, most first (by count). */
export function heapGrowth(a: HeapSummary, b: HeapSummary, top = 25): { key: string; count: number; bytes: number }[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .map((key) => ({ key, count: (b[key]?.count ?? 0) - (a[key]?.count ?? 0), bytes: (b[key]?.bytes ?? 0) - (a[key]?.bytes ?? 0) }))
    .filter((g) => g.count !== 0 || g.bytes !== 0)
    .sort((x, y) => y.count - x.count || y.bytes - x.bytes)
    .slice(0, top);
}

// --- the extension's renderer, as memory.ts measures it ----------------------------

export function extensionRendererPid(profile: string): number {
  return extensionRenderer(profile).pid;
}

/** Pss of the extension renderer (worker + offscreen document; the popup too when it is open). */
export function extensionRendererKb(profile: string): number {
  return pssKb(extensionRendererPid(profile));
}

// --- one sample -------------------------------------------------------------------

/** The offscreen document's objects counted by prototype (after a full GC). */
export const OFFSCREEN_OBJECTS = ['RTCPeerConnection', 'HTMLAudioElement', 'MediaStream', 'MediaStreamTrack', 'AudioNode', 'AudioContext', 'Notification', 'WebSocket', 'PermissionStatus', 'Promise'] as const;

export interface EngineBooks {
  calls: number;
  alerts: number;
  jssipSessions: number | null;
  jssipDialogs: number | null;
  jssipTransactions: number | null;
  jssipApplicants: number | null;
  uaListeners: number | null;
  sockets: number;
}

export interface Sample {
  label: string;
  /** Calls taken before this sample. */
  calls: number;
  /** ms since the soak started. */
  atMs: number;
  rendererPssKb: number;
  offscreen: Record<(typeof OFFSCREEN_OBJECTS)[number], number | null> & { heapUsedKb: number };
  engine: EngineBooks | null;
  worker: { heapUsedKb: number | null; promises: number | null; globalListeners: number | null; opQueues: number | null; notificationTexts: number | null; restarts: number };
  /** Memory.getDOMCounters on the offscreen document, read with the popup closed (the worker has no DOM and no such counters). */
  dom: { documents: number; nodes: number; jsEventListeners: number } | null;
  /**
   * What the extension process's DOM counters gained while the popup stayed
   * open through the calls since the last sample (read just before it closed,
   * against just after it opened; null at the first sample).
   */
  popupGrowth: { nodes: number; jsEventListeners: number } | null;
  notifications: { call: number; missed: number; other: number; ids: string[] };
  logs: { timeline: number; callLog: number; recentCalls: number; storageBytes: number };
  registrations: { serverAccepted: number | null; keepAlives: number | null; registration: string };
}

/** The numbers that the table and the chart show, by name. */
export function metrics(s: Sample): Record<string, number | null> {
  return {
    'renderer Pss (KiB)': s.rendererPssKb,
    'offscreen JS heap (KiB)': s.offscreen.heapUsedKb,
    'worker JS heap (KiB)': s.worker.heapUsedKb,
    'RTCPeerConnection': s.offscreen.RTCPeerConnection,
    'HTMLAudioElement': s.offscreen.HTMLAudioElement,
    'MediaStream': s.offscreen.MediaStream,
    'MediaStreamTrack': s.offscreen.MediaStreamTrack,
    'AudioNode': s.offscreen.AudioNode,
    'AudioContext': s.offscreen.AudioContext,
    'Notification objects (offscreen)': s.offscreen.Notification,
    'WebSocket': s.offscreen.WebSocket,
    'PermissionStatus': s.offscreen.PermissionStatus,
    'Promise (offscreen)': s.offscreen.Promise,
    'Promise (worker)': s.worker.promises,
    'worker global listeners': s.worker.globalListeners,
    'DOM documents': s.dom?.documents ?? null,
    'DOM nodes': s.dom?.nodes ?? null,
    'JS event listeners': s.dom?.jsEventListeners ?? null,
    'popup: nodes gained while open': s.popupGrowth?.nodes ?? null,
    'popup: listeners gained while open': s.popupGrowth?.jsEventListeners ?? null,
    'engine calls': s.engine?.calls ?? null,
    'engine alerts': s.engine?.alerts ?? null,
    'JsSIP sessions': s.engine?.jssipSessions ?? null,
    'JsSIP dialogs': s.engine?.jssipDialogs ?? null,
    'JsSIP transactions': s.engine?.jssipTransactions ?? null,
    'JsSIP applicants': s.engine?.jssipApplicants ?? null,
    'UA listeners': s.engine?.uaListeners ?? null,
    'worker op queues': s.worker.opQueues,
    'worker notification texts': s.worker.notificationTexts,
    'notifications: call': s.notifications.call,
    'notifications: missed': s.notifications.missed,
    'notifications: other': s.notifications.other,
    'timeline entries': s.logs.timeline,
    'call-log entries': s.logs.callLog,
    'recent calls': s.logs.recentCalls,
    'storage.local bytes': s.logs.storageBytes,
    'REGISTERs accepted (server)': s.registrations.serverAccepted,
  };
}

// --- the rig ----------------------------------------------------------------------

interface ConsoleEvent {
  t: number;
  who: string;
  type: string;
  id: string;
}

type LabWindow = { lab: Record<string, (...a: unknown[]) => unknown> & { events: ConsoleEvent[]; ready: Promise<void> } };

export interface CallResult {
  kind: CallKind;
  ms: number;
  reason: CallEndReason | null;
  ok: boolean;
}

export interface RigOptions {
  /** The lab's work dir (its Kamailio ctl socket is there). */
  labWorkDir: string;
  /** ms an answered call lasts before it is hung up. */
  talkMs?: number;
  log?: (line: string) => void;
}

/**
 * The extension signed in as alice (who forwards to the lab's cell phone), the
 * microphone granted through a page that stays open, the lab console as the
 * caller and the cell, a DevTools connection for the counting.
 */
export class SoakRig {
  popup: Page;
  private readonly started = Date.now();
  private workerRestarts = 0;
  /** The process's DOM counters just after the popup opened (with a full GC first). */
  private popupOpened: { nodes: number; jsEventListeners: number } | null = null;
  private lastWorkerTarget: string | null = null;
  private readonly kamcmd: Kamcmd;

  private constructor(
    readonly lab: Lab,
    readonly context: BrowserContext,
    readonly origin: string,
    readonly userDataDir: string,
    readonly cdp: Cdp,
    readonly consolePage: Page,
    popup: Page,
    private readonly opts: RigOptions,
  ) {
    this.popup = popup;
    this.kamcmd = new Kamcmd(findKamailioInstall().kamcmd, join(opts.labWorkDir, 'kamailio.ctl'));
  }

  static async start(lab: Lab, opts: RigOptions): Promise<SoakRig> {
    const userDataDir = await mkdtemp(join(tmpdir(), 'softphone-soak-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      // A DevTools port beside Playwright's pipe: our own sessions on the offscreen document and the worker.
      args: [...chromiumArgs(), '--remote-debugging-port=0'],
      ignoreDefaultArgs: ['--disable-extensions'],
      viewport: { width: 360, height: 560 },
    });
    try {
      const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
      const origin = `chrome-extension://${new URL(first.url()).host}`;
      // The grants' CDP sessions live on a page that never closes (a detached session drops them).
      const holder = await context.newPage();
      await grantMicrophone(context, holder, origin);
      await grantMicrophone(context, holder, new URL(lab.consoleUrl).origin);
      await first.evaluate((t) => chrome.storage.local.set({ tuning: t }), SOAK_TUNING);
      const consolePage = await context.newPage();
      await consolePage.goto(lab.consoleUrl);
      await consolePage.evaluate(() => (window as unknown as LabWindow).lab.ready);
      const popup = await context.newPage();
      await popup.goto(`${origin}/popup.html`);
      await popup.getByRole('textbox', { name: 'Server' }).fill(lab.loginUrl);
      await popup.getByRole('textbox', { name: 'Username' }).fill(AGENT.user);
      await popup.getByLabel('Password').fill(AGENT.password);
      await popup.getByRole('button', { name: 'Sign in' }).click();
      await popup.getByRole('switch', { name: 'Softphone' }).click();
      await popup.getByText('Ready to receive calls').waitFor({ timeout: 20_000 });
      const cdp = await Cdp.connect(userDataDir);
      return new SoakRig(lab, context, origin, userDataDir, cdp, consolePage, popup, opts);
    } catch (err) {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
      throw err;
    }
  }

  async close(): Promise<void> {
    this.cdp.close();
    await this.context.close().catch(() => undefined);
    await rm(this.userDataDir, { recursive: true, force: true });
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  async worker(): Promise<Worker> {
    const live = this.context.serviceWorkers().find((w) => w.url().startsWith(this.origin));
    return live ?? this.context.waitForEvent('serviceworker', { timeout: 20_000 });
  }

  private ask<T>(type: string, extra: object = {}): Promise<T> {
    return this.popup.evaluate(([t, x]) => chrome.runtime.sendMessage({ target: 'background', type: t, ...x }), [type, extra] as const) as Promise<T>;
  }

  snapshot(): Promise<Snapshot> {
    return this.ask<Snapshot>('get-snapshot');
  }

  // --- the console (caller and cell) ---

  private invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.consolePage.evaluate(([m, a]) => (window as unknown as LabWindow).lab[m as string]!(...(a as unknown[])), [method, args] as const) as Promise<T>;
  }

  /** Waits until the console logged an event matching (filtered in the page: the log grows all day). */
  private consoleEvent(what: string, match: { id?: string; who?: string; types: string[]; since: number }, timeoutMs = 15_000): Promise<boolean> {
    return until(
      what,
      () =>
        this.consolePage.evaluate(
          (m) => (window as unknown as LabWindow).lab.events.some((e) => e.t >= m.since && m.types.includes(e.type) && (m.id === undefined || e.id === m.id) && (m.who === undefined || e.who === m.who)),
          match,
        ),
      timeoutMs,
      50,
    );
  }

  /** Every console call is over (caller, cell, voicemail legs). */
  private consoleIdle(): Promise<boolean> {
    return this.consolePage.evaluate(() => ((window as unknown as LabWindow).lab.calls!() as { status: string }[]).every((c) => c.status === 'ended'));
  }

  // --- one call ---

  async call(kind: CallKind, n: number): Promise<CallResult> {
    const t0 = Date.now();
    const talkMs = this.opts.talkMs ?? 300;
    const id = await this.invoke<string>('call', AGENT.number, { displayName: `Soak ${n} ${kind}` });
    const ringing = this.popup.locator('button.answer');
    await ringing.waitFor({ timeout: 15_000 });
    const answer = async () => {
      await ringing.click();
      await this.consoleEvent('caller confirmed', { id, types: ['confirmed'], since: t0 });
      await sleep(talkMs);
    };
    switch (kind) {
      case 'agent-hangup':
        await answer();
        await this.popup.getByRole('button', { name: 'Hang up' }).click();
        await this.consoleEvent('caller sees the end', { id, types: ['ended'], since: t0 });
        break;
      case 'caller-hangup':
        await answer();
        await this.invoke('hangup', id);
        break;
      case 'declined':
        await this.popup.locator('button.decline').click();
        await until('declined here', async () => (await this.snapshot()).calls.length === 0, 10_000, 50);
        // The fork goes on at the cell: the caller gives up (CANCEL).
        await this.invoke('hangup', id);
        break;
      case 'missed':
        await this.invoke('hangup', id);
        break;
      case 'answered-elsewhere':
        await this.consoleEvent('the cell rings too', { who: 'cell', types: ['incoming'], since: t0 });
        if (!(await this.invoke<string | null>('cellAccept'))) throw new Error('no cell call to accept');
        await this.consoleEvent('caller connected to the cell', { id, types: ['confirmed'], since: t0 });
        await until('over here', async () => (await this.snapshot()).calls.length === 0, 10_000, 50);
        await this.invoke('hangup', id);
        break;
    }
    await this.consoleEvent('the caller is done', { id, types: ['ended', 'failed'], since: t0 });
    const s = await until('the extension is idle', async () => {
      const snap = await this.snapshot();
      return snap.calls.length === 0 && (await this.consoleIdle()) ? snap : null;
    }, 15_000, 50);
    const reason = s.lastCall?.endReason ?? null;
    return { kind, ms: Date.now() - t0, reason, ok: reason === EXPECTED[kind].reason };
  }

  // --- registration refreshes ---

  /** REGISTERs Kamailio accepted since it started (every user; the lab's peers refresh rarely). */
  async serverRegistrations(): Promise<number | null> {
    try {
      const out = await this.kamcmd.run('stats.get_statistics', 'registrar:');
      const m = /accepted_regs\s*=\s*(\d+)/.exec(out);
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  }

  /**
   * `n` registration refreshes back to back, beside the 1 s period: the
   * browser's `online` event makes the engine refresh at once (its real path:
   * keeper.refresh), and the next one goes when the last is answered.
   * Returns how many the engine sent (bounded by `n` and a deadline).
   */
  async refreshBurst(n: number, deadlineMs = 60_000): Promise<number> {
    if (n <= 0) return 0;
    const sent = await this.cdp.inTarget(isOffscreen, async (s) => {
      const engine = await findEngine(s);
      if (!engine) throw new Error('the engine was not found in the offscreen document');
      const end = Date.now() + deadlineMs;
      let count = 0;
      while (count < n && Date.now() < end) {
        const fired = await s.call<boolean>(
          engine,
          `function () {
            if (this.keeper.pending || !this.ua || !this.ua.isConnected()) return false;
            dispatchEvent(new Event('online'));
            return !!this.keeper.pending;
          }`,
        );
        if (fired) count += 1;
        else await sleep(2);
      }
      return count;
    });
    return sent ?? 0;
  }

  // --- timers ---

  async startTimerTrace(): Promise<void> {
    await this.cdp.startTimerTrace();
  }

  /** Ends the trace; the timers the extension set meanwhile that are still pending. */
  async endTimerTrace(): Promise<PendingTimer[]> {
    const events = await this.cdp.endTrace();
    const offscreen = (await this.cdp.targets()).find(isOffscreen);
    if (!offscreen) throw new Error('no offscreen document');
    return pendingTimers(events, extensionRendererPid(this.userDataDir), offscreen.targetId);
  }

  // --- the counting ---

  /** Reads everything with no call up: sizes through the popup, then the popup closed for the counts, then opened again (missed calls seen). */
  async sample(label: string, callsDone: number, heap?: (summaries: { offscreen: HeapSummary; worker: HeapSummary | null }) => void): Promise<Sample> {
    await until('idle before a sample', async () => (await this.snapshot()).calls.length === 0 && (await this.consoleIdle()), 15_000, 100);
    const [timeline, callLog, recent, engineState] = await Promise.all([
      this.ask<unknown[]>('get-timeline'),
      this.ask<unknown[]>('get-call-log'),
      this.ask<unknown[]>('get-recent-calls'),
      this.ask<EngineState | null>('get-engine-state'),
    ]);
    const w = await this.worker();
    const shown = await w.evaluate(async () => {
      const ids = Object.keys(await chrome.notifications.getAll());
      const registration = (globalThis as unknown as { registration: ServiceWorkerRegistration }).registration;
      for (const n of await registration.getNotifications()) ids.push(n.tag);
      return ids;
    });
    const workerBooks = await w.evaluate(async () => {
      const handle = (globalThis as unknown as { softphone?: { calls: { queues?: Map<string, unknown> }; notifications: Map<string, unknown> } }).softphone;
      return {
        opQueues: handle?.calls.queues?.size ?? null,
        notificationTexts: handle?.notifications.size ?? null,
        storageBytes: await chrome.storage.local.getBytesInUse(null),
      };
    });
    const serverAccepted = await this.serverRegistrations();

    const popupNow = await this.popupCounters();
    const popupGrowth = popupNow && this.popupOpened ? { nodes: popupNow.nodes - this.popupOpened.nodes, jsEventListeners: popupNow.jsEventListeners - this.popupOpened.jsEventListeners } : null;
    // The popup closed: only the worker and the offscreen document are left in the extension process.
    await this.popup.close();
    await sleep(500);
    const offscreen = await this.cdp.inTarget(isOffscreen, async (s) => {
      await s.collectGarbage();
      const counts = {} as Record<(typeof OFFSCREEN_OBJECTS)[number], number | null>;
      for (const ctor of OFFSCREEN_OBJECTS) counts[ctor] = await s.countObjects(ctor);
      const engineId = await findEngine(s);
      const engine = engineId ? await s.call<EngineBooks>(engineId, ENGINE_BOOKS) : null;
      const summary = heap ? await s.heapSummary() : null;
      return { counts, heapUsedKb: Math.round((await s.heapUsedBytes()) / 1024), dom: await s.domCounters(), engine, summary };
    });
    if (!offscreen) throw new Error('no offscreen document');
    const workerCounts = await this.cdp.inTarget(
      (t) => t.type === 'service_worker' && t.url.startsWith(this.origin),
      async (s) => {
        await s.collectGarbage();
        const summary = heap ? await s.heapSummary() : null;
        return { heapUsedKb: Math.round((await s.heapUsedBytes()) / 1024), promises: await s.countObjects('Promise'), globalListeners: await s.globalListeners(), summary };
      },
    );
    if (heap && offscreen.summary) heap({ offscreen: offscreen.summary, worker: workerCounts?.summary ?? null });
    const workerTarget = (await this.cdp.targets()).find((t) => t.type === 'service_worker' && t.url.startsWith(this.origin))?.targetId ?? null;
    if (this.lastWorkerTarget !== null && workerTarget !== this.lastWorkerTarget) this.workerRestarts += 1;
    this.lastWorkerTarget = workerTarget;
    const rendererPssKb = extensionRendererKb(this.userDataDir);

    // The agent looks at the popup again: missed calls seen.
    this.popup = await this.context.newPage();
    await this.popup.goto(`${this.origin}/popup.html`);
    await this.popup.getByText('Ready to receive calls').waitFor({ timeout: 20_000 });
    await until('recent calls shown', async () => (await this.popup.getByRole('region', { name: 'Recent calls' }).count()) > 0, 10_000, 50);
    this.popupOpened = await this.popupCounters();

    const sample: Sample = {
      label,
      calls: callsDone,
      atMs: Date.now() - this.started,
      rendererPssKb,
      offscreen: { ...offscreen.counts, heapUsedKb: offscreen.heapUsedKb },
      engine: offscreen.engine,
      worker: { heapUsedKb: workerCounts?.heapUsedKb ?? null, promises: workerCounts?.promises ?? null, globalListeners: workerCounts?.globalListeners ?? null, opQueues: workerBooks.opQueues, notificationTexts: workerBooks.notificationTexts, restarts: this.workerRestarts },
      dom: offscreen.dom,
      popupGrowth,
      notifications: {
        call: shown.filter((id) => id.startsWith('call:')).length,
        missed: shown.filter((id) => id === 'missed').length,
        other: shown.filter((id) => !id.startsWith('call:') && id !== 'missed').length,
        ids: shown,
      },
      logs: { timeline: timeline.length, callLog: callLog.length, recentCalls: recent.length, storageBytes: workerBooks.storageBytes },
      registrations: { serverAccepted, keepAlives: engineState?.traffic.keepAlives ?? null, registration: engineState?.registration ?? '?' },
    };
    this.log(`  sample ${label} after ${callsDone} calls: Pss ${(rendererPssKb / 1024).toFixed(1)} MiB, peer connections ${sample.offscreen.RTCPeerConnection}, notifications ${shown.length}`);
    return sample;
  }

  /** The extension process's DOM counters, seen from the popup after a full GC. */
  private popupCounters(): Promise<{ documents: number; nodes: number; jsEventListeners: number } | null> {
    return this.cdp
      .inTarget(
        (t) => t.type === 'page' && t.url === `${this.origin}/popup.html`,
        async (s) => {
          await s.collectGarbage();
          return s.domCounters();
        },
      )
      .then((c) => c ?? null);
  }

  /** Notifications on screen now (after the popup was opened: the missed-calls one is gone). */
  async notificationsNow(): Promise<string[]> {
    const w = await this.worker();
    return w.evaluate(async () => {
      const ids = Object.keys(await chrome.notifications.getAll());
      const registration = (globalThis as unknown as { registration: ServiceWorkerRegistration }).registration;
      for (const n of await registration.getNotifications()) ids.push(n.tag);
      return ids;
    });
  }
}

const isOffscreen = (t: TargetInfo): boolean => t.url.endsWith('/offscreen.html');

/** Read in the offscreen document, on the engine object (property names survive minification). */
const ENGINE_BOOKS = `function () {
  const keys = (o) => (o ? Object.keys(o).length : 0);
  const ua = this.ua;
  const listeners = (em) => (em && em.eventNames ? em.eventNames().reduce((n, name) => n + em.listenerCount(name), 0) : null);
  return {
    calls: this.calls.book.calls.size,
    alerts: this.calls.alerted.size,
    jssipSessions: ua ? keys(ua._sessions) : null,
    jssipDialogs: ua ? keys(ua._dialogs) : null,
    jssipTransactions: ua ? Object.values(ua._transactions).reduce((n, t) => n + keys(t), 0) : null,
    jssipApplicants: ua ? keys(ua._applicants) : null,
    uaListeners: listeners(ua),
    sockets: this.sockets.length,
  };
}`;

/**
 * The offscreen document's PhoneEngine, found from outside: the module's
 * `online` listener closes over it, and DevTools shows a function's scopes.
 * Returns its object id in `s` (valid until the session detaches).
 */
async function findEngine(s: CdpSession): Promise<string | null> {
  const win = await s.evaluate('window');
  const { listeners } = await s.send<{ listeners: { type: string; handler?: RemoteObject }[] }>('DOMDebugger.getEventListeners', { objectId: win.objectId });
  for (const l of listeners.filter((x) => x.type === 'online' && x.handler?.objectId)) {
    const fn = await s.properties(l.handler!.objectId!);
    const scopes = fn.internalProperties?.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
    if (!scopes) continue;
    for (const scope of (await s.properties(scopes)).result) {
      if (!scope.value?.objectId) continue;
      for (const v of (await s.properties(scope.value.objectId)).result) {
        if (v.value?.type !== 'object' || !v.value.objectId) continue;
        const isEngine = await s.call<boolean>(v.value.objectId, 'function () { return !!(this && this.keeper && this.calls && this.calls.book && "ua" in this); }');
        if (isEngine) return v.value.objectId;
      }
    }
  }
  return null;
}

// --- the soak ---------------------------------------------------------------------

export interface SoakPlan {
  calls: number;
  /** REGISTER refreshes to add in bursts (beside the 1 s period), spread over the calls. */
  burstRefreshes: number;
  /** A sample every this many calls (and at the start, after the warm-up, and at the end). */
  sampleEvery: number;
  /** Calls before the baseline sample: every lazy first (audio context, notification lookup…) is done. */
  warmup: number;
  /**
   * Idle time before the last sample ('settled'): JsSIP keeps an answered
   * call's INVITE transaction 32 s after its 200 OK (Timer L), so counts read
   * right after the calls include the last half-minute's.
   */
  settleMs: number;
  /** Heap snapshots at the baseline and the last sample, diffed by constructor (slow: for finding what grows). */
  heapDiff?: boolean;
  /**
   * Trace the timers over the last stretch (the last `sampleEvery` calls and
   * the settling idle time): how many the extension set then are still
   * pending at the end.
   */
  traceTimers?: boolean;
}

export interface SoakResult {
  plan: SoakPlan;
  samples: Sample[];
  calls: CallResult[];
  burstRefreshesSent: number;
  /** Timers set during the traced stretch and still pending at its end (with traceTimers). */
  timers?: { calls: number; pending: PendingTimer[] };
  /** What grew in each heap between the baseline and the last sample (with heapDiff). */
  heapGrowth?: { offscreen: ReturnType<typeof heapGrowth>; worker: ReturnType<typeof heapGrowth> | null };
  /** Notifications on screen after the popup was opened at the end (missed calls seen). */
  notificationsAfterSeen: string[];
  durationMs: number;
}

export async function runSoak(rig: SoakRig, plan: SoakPlan, log: (line: string) => void = () => undefined): Promise<SoakResult> {
  const start = Date.now();
  const samples: Sample[] = [await rig.sample('idle', 0)];
  const calls: CallResult[] = [];
  let burstSent = 0;
  let baseHeap: { offscreen: HeapSummary; worker: HeapSummary | null } | null = null;
  let endHeap: { offscreen: HeapSummary; worker: HeapSummary | null } | null = null;
  const keepBase = plan.heapDiff ? (h: typeof baseHeap) => void (baseHeap = h) : undefined;
  // The traced stretch: from a sample point through the last calls and the idle time after them.
  const traceFrom = Math.max(plan.warmup, plan.calls - plan.sampleEvery);
  let traced = false;
  for (let i = 0; i < plan.calls; i++) {
    const kind = CALL_KINDS[i % CALL_KINDS.length]!;
    const result = await rig.call(kind, i + 1);
    calls.push(result);
    if (!result.ok) log(`  call ${i + 1} (${kind}) ended as ${result.reason}`);
    // Refreshes between calls, spread so that the last call has had its share.
    const due = Math.round((plan.burstRefreshes * (i + 1)) / plan.calls) - burstSent;
    if (due > 0) burstSent += await rig.refreshBurst(due);
    const done = i + 1;
    if (done === plan.warmup) samples.push(await rig.sample('baseline', done, keepBase));
    else if (done === plan.calls) samples.push(await rig.sample('end', done));
    else if (done > plan.warmup && (done % plan.sampleEvery === 0 || done === traceFrom)) samples.push(await rig.sample(`${done}`, done));
    if (plan.traceTimers && done === traceFrom && done < plan.calls) {
      await rig.startTimerTrace();
      traced = true;
    }
    if (done % 10 === 0) log(`  ${done}/${plan.calls} calls, ${burstSent} burst refreshes, ${Math.round((Date.now() - start) / 1000)} s`);
  }
  let timers: SoakResult['timers'];
  if (plan.settleMs > 0) {
    log(`  idle ${Math.round(plan.settleMs / 1000)} s for JsSIP's transaction timers`);
    await sleep(plan.settleMs);
  }
  if (traced) timers = { calls: plan.calls - traceFrom, pending: await rig.endTimerTrace() };
  if (plan.settleMs > 0) {
    // On a loaded machine JsSIP's timers and the collector run late: give the idle state a few
    // more bounded chances (a count that never comes back is still reported, and fails the test).
    const base = samples.find((x) => x.label === 'baseline') ?? samples[0]!;
    let settled = await rig.sample('settled', plan.calls);
    for (let retry = 0; retry < 4; retry++) {
      const quiet = (metrics(settled)['JsSIP transactions'] ?? 0) === 0 && (settled.offscreen.AudioNode ?? 0) <= (base.offscreen.AudioNode ?? 0);
      if (quiet) break;
      log(`  not settled yet (JsSIP transactions or audio nodes left): another 10 s`);
      await sleep(10_000);
      settled = await rig.sample('settled', plan.calls);
    }
    if (plan.heapDiff) settled = await rig.sample('settled', plan.calls, (h) => void (endHeap = h));
    samples.push(settled);
  }
  const a = baseHeap as { offscreen: HeapSummary; worker: HeapSummary | null } | null;
  const b = endHeap as { offscreen: HeapSummary; worker: HeapSummary | null } | null;
  const heapGrew = a && b ? { offscreen: heapGrowth(a.offscreen, b.offscreen), worker: a.worker && b.worker ? heapGrowth(a.worker, b.worker) : null } : undefined;
  const notificationsAfterSeen = await until('missed calls seen', async () => {
    const ids = await rig.notificationsNow();
    return ids.length === 0 ? ids : null;
  }, 5_000).catch(() => rig.notificationsNow());
  return { plan, samples, calls, burstRefreshesSent: burstSent, timers, heapGrowth: heapGrew, notificationsAfterSeen, durationMs: Date.now() - start };
}

// --- growth -----------------------------------------------------------------------

export interface Growth {
  metric: string;
  idle: number | null;
  baseline: number | null;
  /** Right after the last call. */
  afterCalls: number | null;
  /** The last sample (settled, when the plan idles before it). */
  end: number | null;
  /** end − baseline. */
  delta: number | null;
  /** (end − baseline) / calls between them. */
  perCall: number | null;
}

export function growth(result: SoakResult): Growth[] {
  const idle = result.samples[0]!;
  const base = result.samples.find((s) => s.label === 'baseline') ?? idle;
  const end = result.samples[result.samples.length - 1]!;
  const justAfter = metrics(result.samples.find((s) => s.label === 'end') ?? end);
  const calls = end.calls - base.calls;
  const a = metrics(idle);
  const b = metrics(base);
  const e = metrics(end);
  return Object.keys(e).map((metric) => {
    const bv = b[metric] ?? null;
    const ev = e[metric] ?? null;
    const delta = bv !== null && ev !== null ? ev - bv : null;
    return { metric, idle: a[metric] ?? null, baseline: bv, afterCalls: justAfter[metric] ?? null, end: ev, delta, perCall: delta !== null && calls > 0 ? delta / calls : null };
  });
}

const fmt = (v: number | null, digits = 0): string => (v === null ? '—' : Number.isInteger(v) && digits === 0 ? String(v) : v.toFixed(digits));

export function growthTable(result: SoakResult): string {
  const base = result.samples.find((s) => s.label === 'baseline') ?? result.samples[0]!;
  const end = result.samples[result.samples.length - 1]!;
  const lines = [
    `${'metric'.padEnd(34)}${'idle'.padStart(10)}${`base@${base.calls}`.padStart(10)}${`end@${end.calls}`.padStart(10)}${end.label === 'settled' ? 'settled'.padStart(10) : ''}${'growth'.padStart(10)}${'per call'.padStart(10)}`,
  ];
  for (const g of growth(result).filter((x) => !x.metric.startsWith('popup:'))) {
    const settled = end.label === 'settled' ? fmt(g.end).padStart(10) : '';
    lines.push(`${g.metric.padEnd(34)}${fmt(g.idle).padStart(10)}${fmt(g.baseline).padStart(10)}${fmt(g.afterCalls).padStart(10)}${settled}${fmt(g.delta).padStart(10)}${fmt(g.perCall, 3).padStart(10)}`);
  }
  const popup = result.samples.find((x) => x.label === 'end')?.popupGrowth;
  const since = result.samples.filter((x) => x.label !== 'settled' && x.label !== 'end').at(-1)?.calls ?? 0;
  if (popup) lines.push(`${'popup open through calls'.padEnd(34)}gained ${popup.nodes} DOM nodes and ${popup.jsEventListeners} listeners while open through calls ${since + 1}–${end.calls} (its list shows the last 20)`);
  lines.push(timersLine(result));
  return lines.join('\n');
}

/** Live timers: only what a trace saw set and not yet cleared or fired; never an absolute count. */
export function timersLine(result: SoakResult): string {
  if (!result.timers) return `${'live timers'.padEnd(34)}not counted (no CDP domain lists a page's pending timers; run with the timer trace)`;
  const { calls, pending } = result.timers;
  const by = new Map<string, number>();
  for (const t of pending) by.set(t.where, (by.get(t.where) ?? 0) + 1);
  const detail = [...by].map(([w, n]) => `${w} ${n}`).join(', ') || 'none';
  return `${'live timers'.padEnd(34)}set during the last ${calls} calls and the idle time after, still pending at the end: ${pending.length} (${detail}); timers older than the trace are not seen`;
}

/** Every sample as a row, for the intervals. */
export function samplesTable(result: SoakResult, names: string[]): string {
  const head = `${'calls'.padStart(6)}${'s'.padStart(6)}${names.map((n) => n.slice(0, 14).padStart(16)).join('')}`;
  const rows = result.samples.map((s) => {
    const m = metrics(s);
    return `${String(s.calls).padStart(6)}${String(Math.round(s.atMs / 1000)).padStart(6)}${names.map((n) => fmt(m[n] ?? null).padStart(16)).join('')}`;
  });
  return [head, ...rows].join('\n');
}

export function outcomesTable(result: SoakResult): string {
  const lines: string[] = [];
  for (const kind of CALL_KINDS) {
    const of = result.calls.filter((c) => c.kind === kind);
    if (of.length === 0) continue;
    const ms = of.map((c) => c.ms).sort((x, y) => x - y);
    const wrong = of.filter((c) => !c.ok).map((c) => c.reason);
    lines.push(`  ${kind.padEnd(20)} ${String(of.length).padStart(4)} calls, median ${ms[Math.floor(ms.length / 2)]} ms, ${wrong.length === 0 ? `all ended as ${EXPECTED[kind].reason}` : `${wrong.length} ended otherwise: ${wrong.join(', ')}`}`);
  }
  return lines.join('\n');
}

// --- the report files -------------------------------------------------------------

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Small multiples: each metric against calls taken, its own vertical scale. */
export function soakChart(title: string, result: SoakResult, names: string[]): string {
  const cols = 3;
  const cellW = 300;
  const cellH = 120;
  const rows = Math.ceil(names.length / cols);
  const width = cols * cellW + 20;
  const height = 50 + rows * (cellH + 30);
  const maxCalls = Math.max(1, ...result.samples.map((s) => s.calls));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  names.forEach((name, i) => {
    const x0 = 10 + (i % cols) * cellW;
    const y0 = 40 + Math.floor(i / cols) * (cellH + 30);
    const pts = result.samples.map((s) => ({ c: s.calls, v: metrics(s)[name] ?? null })).filter((p): p is { c: number; v: number } => p.v !== null);
    const lo = Math.min(0, ...pts.map((p) => p.v));
    const hi = Math.max(1, ...pts.map((p) => p.v));
    const px = (c: number) => x0 + 30 + ((cellW - 50) * c) / maxCalls;
    const py = (v: number) => y0 + cellH - ((cellH - 20) * (v - lo)) / (hi - lo || 1);
    parts.push(
      `<text x="${x0}" y="${y0 + 10}" font-weight="bold">${esc(name)}</text>`,
      `<line x1="${x0 + 30}" x2="${x0 + cellW - 20}" y1="${y0 + cellH}" y2="${y0 + cellH}" stroke="#ccc"/>`,
      `<text x="${x0}" y="${y0 + 24}" fill="#555">${fmt(hi)}</text><text x="${x0}" y="${y0 + cellH}" fill="#555">${fmt(lo)}</text>`,
      `<text x="${x0 + cellW - 60}" y="${y0 + cellH + 14}" fill="#555">${maxCalls} calls</text>`,
    );
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="#1a73e8" stroke-width="1.5" points="${pts.map((p) => `${px(p.c).toFixed(1)},${py(p.v).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${px(p.c).toFixed(1)}" cy="${py(p.v).toFixed(1)}" r="2.5" fill="#1a73e8"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes artifacts/soak/<name>.json and <name>.svg; returns their paths. */
export async function writeSoakReport(name: string, title: string, result: SoakResult): Promise<string[]> {
  const dir = join(process.cwd(), 'artifacts', 'soak');
  await mkdir(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const svg = join(dir, `${name}.svg`);
  await writeFile(json, JSON.stringify({ title, at: new Date().toISOString(), growth: growth(result), timersNote: timersLine(result).replace(/^live timers\s+/, ''), ...result }, null, 2));
  await writeFile(svg, soakChart(title, result, Object.keys(metrics(result.samples[0]!))));
  return [json, svg];
}
