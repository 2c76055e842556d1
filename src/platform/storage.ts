/**
 * Typed access to storage.local (survives browser restarts) and storage.session
 * (survives service-worker restarts, cleared with the browser). Storage is the
 * truth; the worker's memory is only a cache of it.
 */
import { browser } from './browser';

export interface StorageArea<S extends object> {
  get<K extends keyof S>(key: K): Promise<S[K] | undefined>;
  set(values: Partial<S>): Promise<void>;
  remove(...keys: (keyof S & string)[]): Promise<void>;
}

function area<S extends object>(name: 'local' | 'session'): StorageArea<S> {
  const store = () => browser.storage[name];
  return {
    async get(key) {
      const all = await store().get(key as string);
      return all[key as string] as S[typeof key] | undefined;
    },
    async set(values) {
      await store().set(values);
    },
    async remove(...keys) {
      await store().remove(keys);
    },
  };
}

export function localArea<S extends object>(): StorageArea<S> {
  return area<S>('local');
}

export function sessionArea<S extends object>(): StorageArea<S> {
  return area<S>('session');
}

/** Calls back when `key` changes in storage.local (e.g. tuning set by a test or an administrator). */
export function onLocalChange(key: string, listener: () => void): void {
  browser.storage.onChanged.addListener((changes, areaName) => {
    if (areaName === 'local' && key in changes) listener();
  });
}
