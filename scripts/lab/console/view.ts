/**
 * The console page. Everything that came from the network (display names,
 * headers, causes) goes into the DOM as textContent only: a caller's display
 * name is untrusted input.
 */
import type { LabEvent } from './api';
import type { CallBook, CallEntry } from './call-book';
import type { SipPeer } from './sip-peer';

export interface ConsoleActions {
  call?(number: string, displayName: string): void;
  cellAccept?(): void;
  colleagueAnswer?(): void;
  answer?(): void;
  decline?(): void;
  hangup(id: string): void;
}

type Child = Node | string;

export class ConsoleView {
  private readonly peerList: HTMLElement;
  private readonly callList: HTMLElement;
  private readonly eventRows: HTMLElement;

  constructor(
    root: HTMLElement,
    title: string,
    private readonly peers: readonly SipPeer[],
    private readonly calls: CallBook,
    private readonly actions: ConsoleActions,
  ) {
    this.peerList = el('ul', { className: 'peers' });
    this.callList = el('ul', { className: 'calls' });
    this.eventRows = el('tbody');
    root.replaceChildren(
      el('h1', {}, title),
      section('Registered', this.peerList),
      ...(actions.call ? [section('Place a call', this.dialForm(actions.call))] : []),
      section('Calls', this.callList),
      section('Events', eventTable(this.eventRows)),
    );
  }

  render(): void {
    this.peerList.replaceChildren(
      ...this.peers.map((peer) =>
        el('li', { className: peer.isRegistered ? 'on' : 'off' }, `${peer.name}: ${peer.isRegistered ? 'registered' : 'not registered'}`),
      ),
    );
    const active = this.calls.active();
    this.callList.replaceChildren(...(active.length ? active.map((call) => this.callItem(call)) : [el('li', {}, 'none')]));
  }

  appendEvent(event: LabEvent): void {
    const cells = [new Date(event.t).toISOString().slice(11, 23), event.who, event.type, event.id,
      event.status === undefined ? '' : String(event.status), event.cause ?? '', event.detail ?? ''];
    this.eventRows.prepend(el('tr', {}, ...cells.map((text) => el('td', {}, text))));
  }

  private callItem(call: CallEntry): HTMLElement {
    const { session } = call;
    const ringing = call.incoming && session.status === session.C.STATUS_WAITING_FOR_ANSWER;
    const ringingBack = !call.incoming && session.status === session.C.STATUS_1XX_RECEIVED;
    const state = session.isEstablished() ? 'in call' : ringing || ringingBack ? 'ringing' : 'setting up';
    const buttons: HTMLElement[] = [];
    if (ringing && call.who === 'cell' && this.actions.cellAccept) buttons.push(button('Press 1 (accept)', this.actions.cellAccept));
    if (ringing && call.who === 'colleague' && this.actions.colleagueAnswer) buttons.push(button('Answer', this.actions.colleagueAnswer));
    if (ringing && call.who === 'agent' && this.actions.answer) buttons.push(button('Answer', this.actions.answer));
    if (ringing && call.who === 'agent' && this.actions.decline) buttons.push(button('Decline (486)', this.actions.decline));
    buttons.push(button('Hang up', () => this.actions.hangup(call.id)));
    return el('li', {}, `${call.id} (${call.who}): ${state} `, ...buttons);
  }

  private dialForm(call: (number: string, displayName: string) => void): HTMLElement {
    const number = el('input', { name: 'number', value: '+15550001001', required: true });
    const displayName = el('input', { name: 'displayName', value: 'Lab Caller' });
    const form = el('form', {}, label('Number', number), label('Caller name', displayName), el('button', { type: 'submit' }, 'Call'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      call(number.value.trim(), displayName.value);
    });
    return form;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), props);
  element.append(...children); // strings become text nodes, never markup
  return element;
}

function section(title: string, content: HTMLElement): HTMLElement {
  return el('section', {}, el('h2', {}, title), content);
}

function label(text: string, input: HTMLInputElement): HTMLElement {
  return el('label', {}, `${text} `, input);
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const element = el('button', { type: 'button' }, text);
  element.addEventListener('click', onClick);
  return element;
}

function eventTable(body: HTMLElement): HTMLElement {
  const headings = ['time', 'who', 'type', 'id', 'status', 'cause', 'detail'];
  return el('table', {}, el('thead', {}, el('tr', {}, ...headings.map((text) => el('th', {}, text)))), body);
}
