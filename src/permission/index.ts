/**
 * The microphone permission page, opened in a tab. The offscreen document that
 * runs the phone cannot show a prompt, and popups lose prompts when they close;
 * a visible extension page asks once, and the grant (for the extension's
 * origin) is then inherited by the offscreen document.
 */
import { requestBackground } from '../platform/ui-channel';

type PermissionState = 'granted' | 'denied' | 'prompt' | 'unknown';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const button = $('allow') as HTMLButtonElement;
const status = $('status');

function show(state: 'ask' | 'asking' | 'done' | 'denied' | 'no-device'): void {
  document.body.dataset.state = state;
  button.hidden = state === 'done';
  button.disabled = state === 'asking';
  status.textContent = {
    ask: 'Chrome will ask you to allow the microphone. Choose “Allow while visiting the site”: “Allow this time” would not last, and the phone would stop working after this tab closes.',
    asking: 'Waiting for your answer in Chrome’s prompt…',
    done: 'Microphone allowed. Your softphone is turning on — you can close this tab.',
    denied: 'The microphone is blocked for this extension. Click the camera/microphone icon in the address bar (or open Chrome settings → Privacy and security → Site settings → Microphone), allow it for this extension, then press the button again.',
    'no-device': 'No microphone was found. Connect a headset or microphone, then press the button again.',
  }[state];
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
