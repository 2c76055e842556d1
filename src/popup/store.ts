/**
 * The popup's zustand store: a mirror of the worker's snapshot plus what only
 * the popup knows (an intent in flight, the last intent's error). It owns no
 * truth: intents go up, snapshots come down.
 */
import { createStore } from 'zustand/vanilla';
import type { ErrorCode } from '../shared/errors';
import type { Snapshot } from '../shared/snapshot';
import { describeError } from '../shared/text';
import { onSnapshot, requestBackground } from '../platform/ui-channel';

export interface PopupState {
  snapshot: Snapshot | null;
  /** Which intent is waiting for its answer, to disable its button meanwhile. */
  pending: 'login' | 'logout' | 'toggle' | 'answer' | 'decline' | 'hangup' | 'fix' | null;
  actionError: string | null;
}

export interface PopupActions {
  login(server: string, username: string, password: string): Promise<boolean>;
  logout(): Promise<void>;
  setSoftphone(enabled: boolean): Promise<void>;
  answer(callId: string): Promise<void>;
  decline(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  fixConnection(): Promise<void>;
}

type Outcome = { ok: true } | { ok: false; error: ErrorCode; retryAfterSeconds?: number };

export function createPopupStore() {
  const store = createStore<PopupState & PopupActions>()((set, get) => {
    const run = async (pending: NonNullable<PopupState['pending']>, task: () => Promise<Outcome>): Promise<boolean> => {
      if (get().pending) return false; // One intent at a time: a double-click is one click.
      set({ pending, actionError: null });
      try {
        const result = await task();
        // Login errors are part of the snapshot (the sign-in form shows them).
        set({ actionError: result.ok || pending === 'login' ? null : describeError(result.error, result.retryAfterSeconds) });
        return result.ok;
      } catch {
        set({ actionError: describeError('engine_unavailable') });
        return false;
      } finally {
        set({ pending: null });
      }
    };
    return {
      snapshot: null,
      pending: null,
      actionError: null,
      login: (server, username, password) => run('login', () => requestBackground('login', { server, username, password })),
      logout: async () => void (await run('logout', () => requestBackground('logout', {}))),
      setSoftphone: async (enabled) => void (await run('toggle', () => requestBackground('set-softphone', { enabled }))),
      answer: async (callId) => void (await run('answer', () => requestBackground('answer', { callId }))),
      decline: async (callId) => void (await run('decline', () => requestBackground('decline', { callId }))),
      hangup: async (callId) => void (await run('hangup', () => requestBackground('hangup', { callId }))),
      fixConnection: async () => void (await run('fix', () => requestBackground('fix-connection', {}))),
    };
  });

  // Listen first, then ask: a push that lands between the two is not lost.
  onSnapshot((snapshot) => store.setState({ snapshot }));
  void requestBackground('get-snapshot', {}).then((snapshot) => {
    if (store.getState().snapshot === null) store.setState({ snapshot });
  });
  return store;
}

export type PopupStore = ReturnType<typeof createPopupStore>;
