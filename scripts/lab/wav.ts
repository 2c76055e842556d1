/**
 * Audio the lab makes up and checks: tone WAVs (the default voicemail
 * greeting, injected messages) and the sniffing of uploaded audio by its
 * first bytes, so a body that only claims to be audio is refused.
 */

export interface Note {
  hz: number;
  ms: number;
}

const SAMPLE_RATE = 8000;

/** 16-bit mono PCM WAV of `notes` in a row, each faded in and out (no clicks). */
export function toneWav(notes: readonly Note[], amplitude = 0.5, sampleRate = SAMPLE_RATE): Buffer {
  const counts = notes.map((note) => Math.round((note.ms / 1000) * sampleRate));
  const total = counts.reduce((a, b) => a + b, 0);
  const wav = Buffer.alloc(44 + total * 2);
  writeHeader(wav, total, sampleRate);
  let offset = 44;
  notes.forEach((note, index) => {
    const count = counts[index] ?? 0;
    const fade = Math.min(Math.round(sampleRate * 0.01), Math.floor(count / 2));
    for (let i = 0; i < count; i += 1) {
      const envelope = Math.min(1, i / Math.max(1, fade), (count - 1 - i) / Math.max(1, fade));
      const sample = Math.sin((2 * Math.PI * note.hz * i) / sampleRate) * amplitude * envelope;
      wav.writeInt16LE(Math.round(sample * 32767), offset);
      offset += 2;
    }
  });
  return wav;
}

/**
 * The greeting callers hear until the agent records one: 1.5 s of a two-tone
 * melody. Short on purpose: a test caller who speaks for 3 s after the answer
 * still leaves a message of over a second after the greeting and the beep.
 */
export function defaultGreetingWav(): Buffer {
  const notes: Note[] = [];
  for (let i = 0; i < 6; i += 1) notes.push({ hz: i % 2 === 0 ? 523 : 659, ms: 250 });
  return toneWav(notes);
}

function writeHeader(wav: Buffer, samples: number, sampleRate: number): void {
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples * 2, 40);
}

export type AudioType = 'audio/wav' | 'audio/webm' | 'audio/ogg';

/** The audio type a Content-Type names (parameters such as `;codecs=opus` allowed), or null. */
export function declaredAudioType(contentType: string | undefined): AudioType | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'audio/wav' || type === 'audio/wave' || type === 'audio/x-wav') return 'audio/wav';
  if (type === 'audio/webm' || type === 'audio/ogg') return type;
  return null;
}

/** Whether the bytes start the way files of `type` do (RIFF/WAVE, EBML, OggS). */
export function looksLike(type: AudioType, body: Buffer): boolean {
  if (type === 'audio/wav') return body.length >= 12 && body.toString('ascii', 0, 4) === 'RIFF' && body.toString('ascii', 8, 12) === 'WAVE';
  if (type === 'audio/webm') return body.length >= 4 && body.readUInt32BE(0) === 0x1a45dfa3;
  return body.length >= 4 && body.toString('ascii', 0, 4) === 'OggS';
}

/** Seconds of a PCM WAV from its fmt and data chunks; null when they cannot be read. */
export function wavSeconds(body: Buffer): number | null {
  let offset = 12;
  let byteRate = 0;
  // Bounded: every chunk moves the offset forward by at least its 8-byte header.
  while (offset + 8 <= body.length) {
    const id = body.toString('ascii', offset, offset + 4);
    const size = body.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 20 <= body.length) byteRate = body.readUInt32LE(offset + 16);
    if (id === 'data') return byteRate > 0 ? size / byteRate : null;
    offset += 8 + size + (size % 2);
  }
  return null;
}
