/**
 * "Test my line" on the options page: the same diagnosis as the popup's
 * (shared/line-test.ts), from the snapshot's `lineTest`.
 */
import type { Snapshot } from '../shared/snapshot';
import { diagnose, type LineFix } from '../shared/line-test';
import { describeError } from '../shared/text';
import { requestBackground } from '../platform/ui-channel';

const start = document.getElementById('line-test-start') as HTMLButtonElement;
const result = document.getElementById('line-test-result') as HTMLElement;
const error = document.getElementById('line-test-error') as HTMLSpanElement;

const FIXES: Record<LineFix, () => Promise<unknown>> = {
  'switch-on': () => requestBackground('set-softphone', { enabled: true }),
  'allow-mic': () => requestBackground('fix-connection', {}),
  reconnect: () => requestBackground('fix-connection', {}),
  'sign-in': () => Promise.resolve(), // The popup's sign-in form; nothing to do here.
};

export function renderLineTest(s: Snapshot): void {
  start.disabled = s.login !== 'signed-in' || !s.routingEditable || s.lineTest?.phase === 'running';
  if (!s.lineTest) {
    result.hidden = true;
    return;
  }
  const forwarding = s.routing?.forwardingEnabled ? s.routing.forwardingNumber : null;
  const d = diagnose(s.lineTest, forwarding);
  result.hidden = false;
  result.className = `line-test ${d.tone}`;
  result.setAttribute('aria-busy', String(d.tone === 'busy'));
  const lines: HTMLElement[] = d.lines.map((line) => {
    const p = document.createElement('p');
    p.textContent = line;
    return p;
  });
  if (d.fix) {
    const fix = d.fix;
    const button = document.createElement('button');
    button.className = 'secondary';
    button.textContent = fix.label;
    button.addEventListener('click', () => void FIXES[fix.action]());
    lines.push(button);
  }
  result.replaceChildren(...lines);
}

start.addEventListener('click', () => {
  error.textContent = '';
  start.disabled = true;
  void requestBackground('start-line-test', {}).then(
    (r) => {
      if (!r.ok) error.textContent = describeError(r.error);
    },
    () => (error.textContent = describeError('engine_unavailable')),
  );
});
