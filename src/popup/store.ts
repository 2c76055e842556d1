/**
 * The popup's zustand store: a mirror of the worker's snapshot plus what only
 * the popup knows (intents in flight, the last error of each). It owns no
 * truth: intents go up, snapshots come down.
 */
import { useEffect, useState } from 'preact/hooks';
import { createStore } from 'zustand/vanilla';
import type { CallOp } from '../shared/engine-types';
import type { ErrorCode } from '../shared/errors';
import type { LineFix } from '../shared/line-test';
import type { Snapshot } from '../shared/snapshot';
import { describeError } from '../shared/text';
import { onSnapshot, requestBackground } from '../platform/ui-channel';

/** An intent's key: one per kind for the account and the phone, one per call for call controls. */
export type IntentKey = 'login' | 'logout' | 'toggle' | 'fix' | 'line-test' | `call:${string}`;

export interface PopupState {
  snapshot: Snapshot | null;
  /** Intents waiting for their answer, to disable their buttons meanwhile. */
  pending: Partial<Record<IntentKey, true>>;
  /** The last failed intent's words, with the key it belongs to (a call's error shows in its panel). */
  actionError: { key: IntentKey; text: string } | null;
}

export interface PopupActions {
  login(server: string, username: string, password: string): Promise<boolean>;
  logout(): Promise<void>;
  setSoftphone(enabled: boolean): Promise<void>;
  callOp(callId: string, op: CallOp): Promise<boolean>;
  fixConnection(): Promise<void>;
  startLineTest(): Promise<void>;
  /** The fix a line test found: the same intents as the popup's own buttons. */
  fixLine(fix: LineFix): Promise<void>;
}

type Outcome = { ok: true } | { ok: false; error: ErrorCode; retryAfterSeconds?: number };

export const callKey = (callId: string): IntentKey => `call:${callId}`;

export function createPopupStore(saved: Snapshot | null = null) {
  const store = createStore<PopupState & PopupActions>()((set, get) => {
    const run = async (key: IntentKey, task: () => Promise<Outcome>, exclusive = true): Promise<boolean> => {
      if (exclusive && get().pending[key]) return false; // One intent per key at a time: a double-click is one click.
      if (exclusive) set((s) => ({ pending: { ...s.pending, [key]: true } }));
      set((s) => ({ actionError: s.actionError?.key === key ? null : s.actionError }));
      try {
        const result = await task();
        // Login errors are part of the snapshot (the sign-in form shows them).
        if (!result.ok && key !== 'login') set({ actionError: { key, text: describeError(result.error, result.retryAfterSeconds) } });
        return result.ok;
      } catch {
        set({ actionError: { key, text: describeError('engine_unavailable') } });
        return false;
      } finally {
        if (exclusive) set((s) => {
          const pending = { ...s.pending };
          delete pending[key];
          return { pending };
        });
      }
    };
    return {
      // The worker's last saved state for the first frame; its own answer replaces it at once.
      snapshot: saved,
      pending: {},
      actionError: null,
      login: (server, username, password) => run('login', () => requestBackground('login', { server, username, password })),
      logout: async () => void (await run('logout', () => requestBackground('logout', {}))),
      setSoftphone: async (enabled) => void (await run('toggle', () => requestBackground('set-softphone', { enabled }))),
      // Digits do not wait for each other (a fast typist's keys must all go out; the worker queues
      // them), and Hang up never waits for a pending hold.
      callOp: (callId, op) => run(callKey(callId), () => requestBackground('call-op', { callId, op }), op.kind !== 'dtmf' && op.kind !== 'hangup'),
      fixConnection: async () => void (await run('fix', () => requestBackground('fix-connection', {}))),
      startLineTest: async () => void (await run('line-test', () => requestBackground('start-line-test', {}))),
      fixLine: async (fix) => {
        if (fix === 'switch-on') return get().setSoftphone(true);
        if (fix === 'allow-mic' || fix === 'reconnect') return get().fixConnection();
        // 'sign-in': the popup already shows the sign-in form when the session expired.
      },
    };
  });

  // Opening the popup is seeing the missed calls (the call window opening by itself is not),
  // and a moment to re-read the routing.
  if (!location.search.includes('window=call')) void requestBackground('missed-seen', {}).catch(() => undefined);
  void requestBackground('refresh-routing', {}).catch(() => undefined);
  void requestBackground('refresh-voicemail', {}).catch(() => undefined);
  // Listen first, then ask: a push that lands between the two is not lost.
  let pushed = false;
  onSnapshot((snapshot) => {
    pushed = true;
    // An error about switching on or reconnecting is over once calls ring here.
    const error = store.getState().actionError;
    const over = error && (error.key === 'toggle' || error.key === 'fix') && snapshot.registration === 'registered';
    store.setState(over ? { snapshot, actionError: null } : { snapshot });
  });
  void requestBackground('get-snapshot', {}).then((snapshot) => {
    // A push that came meanwhile is newer than this answer.
    if (!pushed) store.setState({ snapshot });
  });
  return store;
}

export type PopupStore = ReturnType<typeof createPopupStore>;

/**
 * The store's state in a component. zustand's own hook imports React's
 * useSyncExternalStore, which pulls in all of preact/compat (8.5 KB, a tenth
 * of the popup's open time); a subscription in an effect does the same here.
 */
export function usePopupState(store: PopupStore): PopupState & PopupActions {
  const [state, setState] = useState(store.getState());
  useEffect(() => {
    setState(store.getState()); // A change between the first render and the subscription is not lost.
    return store.subscribe(setState);
  }, [store]);
  return state;
}
