/**
 * Audio devices and the ringtone: the microphone, the speaker the call plays
 * on, and the ringer (a separate output), chosen from `enumerateDevices()`,
 * each with a test; the ringtone and its volume. Every change is saved at once
 * and applied live by the engine (no re-registration, a call goes on).
 */
import { DEFAULT_AUDIO, type AudioPreferences, type RingtoneStyle } from '../shared/audio-preferences';
import { describeError } from '../shared/text';
import { requestBackground } from '../platform/ui-channel';
import { Ringtone } from '../offscreen/ringtone';
import { t, type MessageKey } from '../shared/i18n';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const microphone = byId<HTMLSelectElement>('microphone-select');
const speaker = byId<HTMLSelectElement>('speaker-select');
const ringer = byId<HTMLSelectElement>('ringer-select');
const ringtone = byId<HTMLSelectElement>('ringtone-select');
const volume = byId<HTMLInputElement>('ring-volume');
const status = byId<HTMLSpanElement>('audio-status');
const micTest = byId<HTMLButtonElement>('microphone-test');
const meter = byId<HTMLMeterElement>('microphone-meter');

let prefs: AudioPreferences = DEFAULT_AUDIO;

function fill(select: HTMLSelectElement, devices: MediaDeviceInfo[], chosen: string | null, noun: { numbered: MessageKey; missing: MessageKey }): void {
  const options = [new Option(t('systemDefault'), '')];
  devices
    .filter((d) => d.deviceId !== 'default' && d.deviceId !== 'communications')
    .forEach((d, i) => options.push(new Option(d.label || t(noun.numbered, i + 1), d.deviceId)));
  // A chosen device that is not plugged in now stays visible, so the choice is not silently lost.
  if (chosen && !devices.some((d) => d.deviceId === chosen)) options.push(new Option(t(noun.missing), chosen));
  select.replaceChildren(...options);
  select.value = chosen ?? '';
}

async function renderDevices(): Promise<void> {
  const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
  fill(microphone, devices.filter((d) => d.kind === 'audioinput'), prefs.microphoneId, { numbered: 'microphoneNumbered', missing: 'microphoneMissing' });
  fill(speaker, devices.filter((d) => d.kind === 'audiooutput'), prefs.speakerId, { numbered: 'outputNumbered', missing: 'outputMissing' });
  fill(ringer, devices.filter((d) => d.kind === 'audiooutput'), prefs.ringerId, { numbered: 'outputNumbered', missing: 'outputMissing' });
  ringtone.value = prefs.ringtone;
  volume.value = String(Math.round(prefs.ringVolume * 100));
}

async function save(change: Partial<AudioPreferences>): Promise<void> {
  prefs = { ...prefs, ...change };
  status.textContent = t('saving');
  const r = await requestBackground('set-audio-preferences', { preferences: prefs }).catch(() => null);
  status.textContent = r?.ok ? t('audioSaved') : describeError(r && !r.ok ? r.error : 'engine_unavailable');
}

const chosen = (select: HTMLSelectElement) => select.value || null;
microphone.addEventListener('change', () => void save({ microphoneId: chosen(microphone) }).then(restartMeter));
speaker.addEventListener('change', () => void save({ speakerId: chosen(speaker) }));
ringer.addEventListener('change', () => void save({ ringerId: chosen(ringer) }));
ringtone.addEventListener('change', () => void save({ ringtone: ringtone.value as RingtoneStyle }));
volume.addEventListener('change', () => void save({ ringVolume: Number(volume.value) / 100 }));

/** A short tone on one output ('' = default): does the agent hear it where they expect? */
async function testTone(sinkId: string): Promise<void> {
  const ctx = new AudioContext() as AudioContext & { setSinkId?(id: string): Promise<void> };
  try {
    if (sinkId && ctx.setSinkId) await ctx.setSinkId(sinkId);
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.value = 0.15;
    osc.frequency.value = 660;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 1);
    await new Promise((r) => setTimeout(r, 1100));
  } finally {
    await ctx.close();
  }
}

byId<HTMLButtonElement>('speaker-test').addEventListener('click', () => void testTone(speaker.value));
byId<HTMLButtonElement>('ringer-test').addEventListener('click', () => {
  const tone = new Ringtone();
  tone.configure(prefs.ringtone, prefs.ringVolume);
  void tone
    .setOutput(ringer.value)
    .then(() => tone.start('ring'))
    .then(() => new Promise((r) => setTimeout(r, 3000)))
    .finally(() => tone.stop());
});

// --- the microphone's level meter ------------------------------------------------

let meterStop: (() => void) | null = null;

async function startMeter(): Promise<void> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: prefs.microphoneId ? { deviceId: { exact: prefs.microphoneId } } : true });
  } catch {
    status.textContent = describeError('mic_denied');
    return;
  }
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  ctx.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    meter.value = Math.min(1, Math.sqrt(Math.sqrt(samples.reduce((s, v) => s + v * v, 0) / samples.length)));
  }, 100);
  micTest.setAttribute('aria-pressed', 'true');
  meterStop = () => {
    clearInterval(timer);
    stream.getTracks().forEach((t) => t.stop());
    void ctx.close();
    meter.value = 0;
    micTest.setAttribute('aria-pressed', 'false');
    meterStop = null;
  };
}

function restartMeter(): void {
  if (!meterStop) return;
  meterStop();
  void startMeter();
}

micTest.addEventListener('click', () => (meterStop ? meterStop() : void startMeter()));
navigator.mediaDevices.addEventListener('devicechange', () => void renderDevices());

void requestBackground('get-audio-preferences', {}).then((p) => {
  prefs = p;
  return renderDevices();
});
