/** The worker's logic wired over in-memory fakes, the way src/background/index.ts wires it. */
import { CallHandler } from '../../src/background/call-handler';
import { PhoneSupervisor } from '../../src/background/phone-supervisor';
import { SessionController } from '../../src/background/session-controller';
import { RoutingController } from '../../src/background/routing-controller';
import { VoicemailController } from '../../src/background/voicemail-controller';
import { LineTestController } from '../../src/background/line-test-controller';
import type { ProviderAnswer, ProviderCall, ProviderRequest } from '../../src/background/provider-client';
import type { RoutingDraft, RoutingOutcome } from '../../src/shared/routing-contract';
import type { RoutingSummary } from '../../src/shared/snapshot';
import { SnapshotStore } from '../../src/background/snapshot-store';
import type { LoginOutcome } from '../../src/shared/login-contract';
import { initialSnapshot } from '../../src/shared/snapshot';
import { goodGrant } from './grant';
import { type fact, fakePorts } from './fake-ports';

export function fakeWorker(login: (s: string, u: string, p: string) => Promise<LoginOutcome> = async () => ({ ok: true, grant: structuredClone(goodGrant) })) {
  const f = fakePorts(login);
  const store = new SnapshotStore(f.ports, initialSnapshot(f.ports.now()));
  const phone = new PhoneSupervisor(f.ports, store);
  const calls = new CallHandler(f.ports, store);
  const auth = new SessionController(f.ports, store, phone);
  /** The provider's routing API, in memory: answers what `provider.next` says, else echoes the change. */
  const provider = { requests: [] as Array<RoutingDraft | null>, next: null as RoutingOutcome | null, routing: structuredClone(goodGrant.routing) as RoutingSummary };
  const routing = new RoutingController(
    f.ports,
    store,
    async (_server, _token, change) => {
      provider.requests.push(change);
      if (provider.next) return provider.next;
      if (change) provider.routing = { ...provider.routing, ...change };
      return { ok: true, routing: provider.routing };
    },
    (why) => phone.expireSession(why),
  );
  /**
   * The rest of the provider API (voicemail, line test), in memory: `api.answer`
   * decides each answer from the method and path; every request is recorded.
   */
  const api = {
    requests: [] as Array<{ path: string; request: ProviderRequest }>,
    answer: (_method: string, _path: string, _request: ProviderRequest): Partial<ProviderAnswer> => ({ status: 404 }),
  };
  const callApi: ProviderCall = async (_server, _token, path, request = {}) => {
    api.requests.push({ path, request });
    return { status: 0, body: null, bytes: null, contentType: '', redirected: false, ...api.answer(request.method ?? 'GET', path, request) };
  };
  const expire = (why: string) => phone.expireSession(why);
  const voicemail = new VoicemailController(f.ports, store, callApi, expire);
  /** Polls wait for `lineTestTick()` instead of a timer. */
  const ticks: Array<() => void> = [];
  const lineTest = new LineTestController(f.ports, store, callApi, expire, () => new Promise<void>((r) => ticks.push(r)));
  const lineTestTick = async () => {
    ticks.splice(0).forEach((r) => r());
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  /** What the router does with an engine fact. */
  const onFact = (x: ReturnType<typeof fact>) => {
    phone.onRegistrationFact(x);
    calls.onCallFact(x);
  };
  return { ...f, store, phone, calls, auth, onFact, routing, provider, api, voicemail, lineTest, lineTestTick };
}
