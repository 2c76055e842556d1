/**
 * Entry of the lab console page (bundled by scripts/lab/console-bundle.ts).
 * /console runs the lab's peers; /console?agent=<user>[&ttl=<s>] runs one agent.
 */
import { startAgentMode } from './agent-mode';
import type { LabAgentApi, LabConsoleApi } from './api';
import { CallBook } from './call-book';
import { EventLog } from './event-log';
import { startPeersMode } from './peers-mode';
import type { SipPeer } from './sip-peer';
import { ConsoleView, type ConsoleActions } from './view';

const USER = /^[a-z0-9-]{1,32}$/;

interface PageMode {
  title: string;
  api: LabConsoleApi | LabAgentApi;
  peers: SipPeer[];
  actions: ConsoleActions;
}

function startMode(params: URLSearchParams, log: EventLog, calls: CallBook, render: () => void): PageMode {
  const agent = params.get('agent');
  if (agent === null) {
    const { api, peers } = startPeersMode(log, calls, render);
    const actions: ConsoleActions = {
      call: (number, displayName) => api.call(number, { displayName }),
      cellAccept: () => api.cellAccept(),
      hangup: (id) => api.hangup(id),
    };
    return { title: 'vPhone lab console', api, peers, actions };
  }
  if (!USER.test(agent)) throw new Error('agent must be a lab user name');
  const ttl = params.get('ttl');
  const { api, peers } = startAgentMode(agent, ttl === null ? undefined : Number(ttl), log, calls, render);
  const actions: ConsoleActions = { answer: () => api.answer(), decline: () => api.decline(), hangup: (id) => api.hangup(id) };
  return { title: `vPhone lab agent: ${agent}`, api, peers, actions };
}

function main(): void {
  const root = document.getElementById('app');
  const speaker = document.getElementById('speaker');
  if (!root || !(speaker instanceof HTMLAudioElement)) throw new Error('console page is missing #app or #speaker');

  const log = new EventLog();
  // Called only from asynchronous SIP events, after `view` exists.
  const render = (): void => view.render();
  const calls = new CallBook(log, render, speaker);
  const mode = startMode(new URLSearchParams(location.search), log, calls, render);
  // Registration failures are already in the event log; don't also throw them at the page.
  mode.api.ready.catch(() => undefined);
  Object.assign(window, { lab: mode.api });

  const view = new ConsoleView(root, mode.title, mode.peers, calls, mode.actions);
  log.subscribe((event) => view.appendEvent(event));
  render();
}

main();
