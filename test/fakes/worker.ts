/** The worker's logic wired over in-memory fakes, the way src/background/index.ts wires it. */
import { CallHandler } from '../../src/background/call-handler';
import { PhoneSupervisor } from '../../src/background/phone-supervisor';
import { SessionController } from '../../src/background/session-controller';
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
  /** What the router does with an engine fact. */
  const onFact = (x: ReturnType<typeof fact>) => {
    phone.onRegistrationFact(x);
    calls.onCallFact(x);
  };
  return { ...f, store, phone, calls, auth, onFact };
}
