/**
 * The voicemail greeting: record one with the microphone (MediaRecorder),
 * listen to it, upload it, or go back to the default. The recording stays in
 * this page until saved; the worker uploads it (it holds the API token).
 */
import type { Snapshot } from '../shared/snapshot';
import { fromBase64, toBase64 } from '../shared/base64';
import { GREETING_MAX_BYTES, GREETING_MAX_SECONDS } from '../shared/voicemail';
import { describeError } from '../shared/text';
import { requestBackground } from '../platform/ui-channel';
import { t } from '../shared/i18n';

const section = document.getElementById('greeting-section') as HTMLElement;
const current = document.getElementById('greeting-current') as HTMLParagraphElement;
const record = document.getElementById('greeting-record') as HTMLButtonElement;
const listen = document.getElementById('greeting-listen') as HTMLButtonElement;
const save = document.getElementById('greeting-save') as HTMLButtonElement;
const reset = document.getElementById('greeting-default') as HTMLButtonElement;
const status = document.getElementById('greeting-status') as HTMLSpanElement;
const player = document.getElementById('greeting-player') as HTMLAudioElement;

let recorder: MediaRecorder | null = null;
let recording: Blob | null = null;
let stopTimer: ReturnType<typeof setTimeout> | undefined;
let playing: string | null = null;

function play(blob: Blob): void {
  if (playing) URL.revokeObjectURL(playing);
  playing = URL.createObjectURL(blob);
  player.src = playing;
  player.hidden = false;
  void player.play().catch(() => undefined);
}

export function renderGreeting(s: Snapshot): void {
  const usable = s.login === 'signed-in' && s.voicemail.supported;
  section.hidden = s.login === 'signed-in' && !s.voicemail.supported && s.voicemail.greeting === null && !s.routingEditable;
  for (const b of [record, listen, reset]) b.disabled = !usable || (b !== record && recorder !== null);
  save.disabled = !usable || recording === null || recorder !== null;
  current.textContent = recording
    ? t('greetingReady')
    : s.voicemail.greeting === 'custom'
      ? t('greetingCustom')
      : t('greetingDefault');
}

async function startRecording(): Promise<void> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    status.textContent = describeError('mic_denied');
    return;
  }
  const chunks: Blob[] = [];
  recorder = new MediaRecorder(stream);
  recorder.ondataavailable = (e) => chunks.push(e.data);
  recorder.onstop = () => {
    clearTimeout(stopTimer);
    for (const t of stream.getTracks()) t.stop();
    recorder = null;
    record.setAttribute('aria-pressed', 'false');
    recording = new Blob(chunks, { type: chunks[0]?.type || 'audio/webm' });
    status.textContent = t('greetingRecorded');
    void refresh();
  };
  recorder.start();
  record.setAttribute('aria-pressed', 'true');
  status.textContent = t('greetingRecording', GREETING_MAX_SECONDS);
  // A greeting is at most a minute: the provider refuses longer ones.
  stopTimer = setTimeout(() => recorder?.stop(), GREETING_MAX_SECONDS * 1000);
  void refresh();
}

async function refresh(): Promise<void> {
  renderGreeting(await requestBackground('get-snapshot', {}));
}

record.addEventListener('click', () => {
  if (recorder) recorder.stop();
  else void startRecording();
});

listen.addEventListener('click', () => {
  if (recording) return play(recording);
  status.textContent = t('loading');
  void requestBackground('greeting-audio', {}).then((a) => {
    const bytes = a.ok ? fromBase64(a.data) : null;
    status.textContent = a.ok ? '' : describeError(a.error);
    if (a.ok && bytes) play(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: a.contentType }));
  });
});

save.addEventListener('click', () => {
  const blob = recording;
  if (!blob) return;
  if (blob.size > GREETING_MAX_BYTES) {
    status.textContent = describeError('greeting_too_large');
    return;
  }
  save.disabled = true;
  status.textContent = t('saving');
  void blob
    .arrayBuffer()
    .then((buffer) => requestBackground('set-greeting', { recording: { contentType: blob.type.split(';')[0] || 'audio/webm', data: toBase64(new Uint8Array(buffer)) } }))
    .then((r) => {
      if (r.ok) recording = null;
      status.textContent = r.ok ? t('greetingSaved') : describeError(r.error);
      return refresh();
    });
});

reset.addEventListener('click', () => {
  status.textContent = t('saving');
  void requestBackground('set-greeting', { recording: null }).then((r) => {
    if (r.ok) recording = null;
    status.textContent = r.ok ? t('greetingDefaultSaved') : describeError(r.error);
    return refresh();
  });
});
