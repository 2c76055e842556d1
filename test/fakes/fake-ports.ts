/**
 * In-memory fakes of the worker's ports: storage areas, a scripted phone engine,
 * a notification centre that records what it shows. The real engine is only
 * exercised end to end, against a real SIP server.
 */
import type { EngineFact, EngineState } from '../../src/shared/engine-types';
import type { LoginOutcome } from '../../src/shared/login-contract';
import type { Result } from '../../src/shared/errors';
import type { Snapshot } from '../../src/shared/snapshot';
import type { EnginePort, KeyValueStore, LocalState, Ports, SessionState } from '../../src/background/ports';

export class MemoryStore<S extends object> implements KeyValueStore<S> {
  readonly data: Partial<S> = {};
  async get<K extends keyof S>(key: K) {
    return structuredClone(this.data[key]);
  }
  async set(values: Partial<S>) {
    Object.assign(this.data, structuredClone(values));
  }
  async remove(...keys: (keyof S & string)[]) {
    for (const k of keys) delete this.data[k];
  }
}

export class FakeEngine implements EnginePort {
  exists_ = false;
  requests: Array<{ type: string; payload: unknown }> = [];
  recovers = 0;
  enableResult: Result = { ok: true };
  state: EngineState = {
    configuredFor: null,
    enabled: false,
    registration: 'unregistered',
    transportConnected: false,
    mic: 'unknown',
    calls: [],
    lastRegisteredAt: null,
    timers: null,
    traffic: { bytesIn: 0, bytesOut: 0, keepAlives: 0 },
  };

  async ensure() {
    const created = !this.exists_;
    this.exists_ = true;
    return created;
  }
  async exists() {
    return this.exists_;
  }
  async close() {
    this.exists_ = false;
  }
  async request(type: string, payload: unknown): Promise<never> {
    this.requests.push({ type, payload });
    switch (type) {
      case 'engine-state':
        return structuredClone(this.state) as never;
      case 'engine-configure':
        this.state.configuredFor = (payload as { config: { authorizationUser: string } }).config.authorizationUser;
        return { ok: true } as never;
      case 'engine-enable':
        if (this.enableResult.ok) this.state.enabled = true;
        return this.enableResult as never;
      case 'engine-disable':
        this.state.enabled = false;
        return { ok: true } as never;
      case 'engine-stats':
        return null as never;
      case 'engine-recover':
        this.recovers++;
        return { ok: true } as never;
      default:
        return { ok: true } as never;
    }
  }
  types(): string[] {
    return this.requests.map((r) => r.type);
  }
}

export function fakePorts(login: (server: string, u: string, p: string) => Promise<LoginOutcome>) {
  const local = new MemoryStore<LocalState>();
  const session = new MemoryStore<SessionState>();
  const engine = new FakeEngine();
  const notifications = new Map<string, { title: string; message: string; buttons?: string[] }>();
  const published: Snapshot[] = [];
  const badges: Array<{ text: string; color: string; title: string }> = [];
  let permissionPageOpened = 0;
  /** Each request to open (true) or close (false) the incoming-call window. */
  const callWindows: boolean[] = [];
  let clock = 1_800_000_000_000;
  let ids = 0;
  const ports: Ports = {
    local,
    session,
    engine,
    notifier: {
      show: async (id, spec) => void notifications.set(id, spec),
      clear: async (id) => void notifications.delete(id),
    },
    ui: {
      publish: (s) => void published.push(s),
      setBadge: async (b) => void badges.push(b),
      openPermissionPage: async () => void permissionPageOpened++,
      callWindow: async (open) => void callWindows.push(open),
    },
    login,
    now: () => clock,
    randomId: () => `00000000-0000-4000-8000-${(++ids).toString().padStart(12, '0')}`,
  };
  return {
    ports,
    local,
    session,
    engine,
    notifications,
    published,
    badges,
    permissionPageOpens: () => permissionPageOpened,
    callWindows,
    advance: (ms: number) => void (clock += ms),
  };
}

export const fact = <K extends EngineFact['kind']>(kind: K, rest: Omit<Extract<EngineFact, { kind: K }>, 'kind' | 'at'>): EngineFact =>
  ({ kind, at: 0, ...rest }) as EngineFact;
