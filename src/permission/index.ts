/**
 * The microphone permission page, opened in a tab. The offscreen document that
 * runs the phone cannot show a prompt, and popups lose prompts when they close;
 * a visible extension page asks once, and the grant (for the extension's
 * origin) is then inherited by the offscreen document.
 */
import { localizePage } from '../platform/page-i18n'; // First: the words come from _locales.
import { requestBackground } from '../platform/ui-channel';
import { t } from '../shared/i18n';

localizePage();

type PermissionState = 'granted' | 'denied' | 'prompt' | 'unknown';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const button = $('allow') as HTMLButtonElement;
const status = $('status');

function show(state: 'ask' | 'asking' | 'done' | 'denied' | 'no-device'): void {
  document.body.dataset.state = state;
  button.hidden = state === 'done';
  button.disabled = state === 'asking';
  status.textContent = t(
    (
      {
        ask: 'permissionAsk',
        asking: 'permissionAsking',
        done: 'permissionDone',
        denied: 'permissionDenied',
        'no-device': 'permissionNoDevice',
      } as const
    )[state],
  );
}

async function permissionState(): Promise<{ state: PermissionState; status: PermissionStatus | null }> {
  try {
    const status = await navigator.permissions.query({ name: 'microphone' });
    return { state: status.state, status };
  } catch {
    return { state: 'unknown', status: null };
  }
}

let finished = false;

async function requestMicrophone(): Promise<void> {
  if (finished) return;
  show('asking');
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    stream.getTracks().forEach((t) => t.stop());
    finished = true;
    show('done');
    await requestBackground('mic-result', { granted: true });
  } catch (err) {
    const name = err instanceof DOMException ? err.name : '';
    if (name === 'NotFoundError') return show('no-device');
    show((await permissionState()).state === 'denied' ? 'denied' : 'ask');
    await requestBackground('mic-result', { granted: false });
  }
}

button.addEventListener('click', () => void requestMicrophone());

void (async () => {
  const { state, status } = await permissionState();
  // The grant may also arrive from elsewhere (site settings, an administrator
  // policy): pick it up without another click.
  status?.addEventListener('change', () => {
    if (status.state === 'granted') void requestMicrophone();
  });
  if (state === 'granted') await requestMicrophone();
  else show(state === 'denied' ? 'denied' : 'ask');
})();
