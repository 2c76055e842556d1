/**
 * Entry of the lab console page (bundled by scripts/lab/console-bundle.ts).
 * /console runs the lab's peers; /console?agent=<user>[&ttl=<s>][&rfc4733=1]
 * runs one agent. `&edge=<n>` (either page): with several Kamailio edges, its
 * phones connect to edge n first (default 0, the primary).
 *
 * RFC 4733 DTMF is listened for on the caller's calls (the far end of the
 * extension's calls), and on the agent's only with `rfc4733=1`: the agent
 * page is also the benchmarks' "plain JsSIP page", which must not carry the
 * extra work of piping every encoded frame.
 */
import { startAgentMode } from './agent-mode';
import type { LabAgentApi, LabConsoleApi, PeerName } from './api';
import { CallBook } from './call-book';
import { EventLog } from './event-log';
import { startPeersMode } from './peers-mode';
import { SipPeer } from './sip-peer';
import { ConsoleView, type ConsoleActions } from './view';

const USER = /^[a-z0-9-]{1,32}$/;

interface PageMode {
  title: string;
  api: LabConsoleApi | LabAgentApi;
  peers: SipPeer[];
  calls: CallBook;
  actions: ConsoleActions;
}

function startMode(params: URLSearchParams, log: EventLog, render: () => void): PageMode {
  const agent = params.get('agent');
  const calls = new CallBook(log, render, { telephoneEventsFor: rfc4733Listeners(params) });
  if (agent === null) {
    const { api, peers } = startPeersMode(log, calls, render);
    const actions: ConsoleActions = {
      call: (number, displayName) => api.call(number, { displayName }),
      cellAccept: () => api.cellAccept(),
      colleagueAnswer: () => api.colleagueAnswer(),
      hangup: (id) => api.hangup(id),
    };
    return { title: 'vPhone lab console', api, peers, calls, actions };
  }
  if (!USER.test(agent)) throw new Error('agent must be a lab user name');
  const ttl = params.get('ttl');
  const { api, peers } = startAgentMode(agent, ttl === null ? undefined : Number(ttl), log, calls, render);
  const actions: ConsoleActions = { answer: () => api.answer(), decline: () => api.decline(), hangup: (id) => api.hangup(id) };
  return { title: `vPhone lab agent: ${agent}`, api, peers, calls, actions };
}

function rfc4733Listeners(params: URLSearchParams): PeerName[] {
  if (params.get('agent') === null) return ['caller'];
  return params.get('rfc4733') === '1' ? ['agent'] : [];
}

function main(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('console page is missing #app');

  const log = new EventLog();
  // Called only from asynchronous SIP events, after `view` exists.
  const render = (): void => view.render();
  const params = new URLSearchParams(location.search);
  const edge = Number(params.get('edge') ?? '0');
  if (Number.isInteger(edge) && edge >= 0) SipPeer.preferEdge(edge);
  const mode = startMode(params, log, render);
  // Registration failures are already in the event log; don't also throw them at the page.
  mode.api.ready.catch(() => undefined);
  Object.assign(window, { lab: mode.api });

  const view = new ConsoleView(root, mode.title, mode.peers, mode.calls, mode.actions);
  log.subscribe((event) => view.appendEvent(event));
  render();
}

main();
