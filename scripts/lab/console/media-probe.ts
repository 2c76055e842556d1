/**
 * What a call's media does, read from RTCPeerConnection.getStats(): byte and
 * packet totals, and the level of the audio the far end sends us.
 *
 * Why every call plays its remote audio (remote-audio.ts): Chromium computes
 * inbound-rtp totalAudioEnergy / totalSamplesDuration only for audio that is
 * pulled for playout, after the element's volume. Measured in Chromium 156
 * headless (fake devices, two peer connections in one page, 50 packets/s of
 * Opus): no sink → totalSamplesDuration stays 0; a muted <audio> or volume 0
 * → duration grows, energy stays 0; WebAudio without an element → 0 again;
 * an unmuted element at volume 1 → the real level.
 *
 * Levels seen with `--use-fake-device-for-media-stream` (its microphone
 * beeps): far end unmuted, RMS over 1.5 s windows 0.48–0.56 (0.48–0.67 over
 * 0.5 s windows); far end muted (sender track.enabled = false), first 0.5 s
 * window starting 0.3 s after the mute 0.026–0.030 (the jitter buffer
 * draining), the next one 0.00005–0.00007, then exactly 0; 25 packets per
 * 0.5 s kept arriving throughout (Opus sends silence, no DTX). Unmuted
 * again: 0.53 in the next window. Through the lab (caller ← agent page,
 * JsSIP's mute(), test/lab/far-end.smoke.test.ts), 1.5 s windows: unmuted
 * 0.48, muted (window starting 0.5 s after the mute) 0.0009 with 76 packets
 * but only 228 bytes (Opus silence frames are ~3 bytes), unmuted again 0.54.
 */
import type { AudioLevel, CallStats } from './api';

/** The inbound-rtp fields the level needs, summed over the call's audio streams. */
export interface InboundAudioSnapshot {
  totalAudioEnergy: number;
  totalSamplesDuration: number;
  packetsReceived: number;
  bytesReceived: number;
}

interface RtpReport {
  type: string;
  kind?: string;
  bytesSent?: number;
  bytesReceived?: number;
  packetsSent?: number;
  packetsReceived?: number;
  totalAudioEnergy?: number;
  totalSamplesDuration?: number;
}

export const DEFAULT_LEVEL_WINDOW_MS = 1500;
/** A window long enough to mean something, short enough to stay inside a test's bounds. */
const MIN_WINDOW_MS = 100;
const MAX_WINDOW_MS = 30_000;

export async function callStats(connection: RTCPeerConnection | undefined): Promise<CallStats> {
  const totals: CallStats = { bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0 };
  if (!connection) return totals;
  (await connection.getStats()).forEach((report: RtpReport) => {
    if (report.kind !== 'audio') return;
    if (report.type === 'outbound-rtp') {
      totals.bytesSent += report.bytesSent ?? 0;
      totals.packetsSent += report.packetsSent ?? 0;
    }
    if (report.type === 'inbound-rtp') {
      totals.bytesReceived += report.bytesReceived ?? 0;
      totals.packetsReceived += report.packetsReceived ?? 0;
    }
  });
  return totals;
}

export async function inboundAudio(connection: RTCPeerConnection | undefined): Promise<InboundAudioSnapshot> {
  const totals: InboundAudioSnapshot = { totalAudioEnergy: 0, totalSamplesDuration: 0, packetsReceived: 0, bytesReceived: 0 };
  if (!connection) return totals;
  (await connection.getStats()).forEach((report: RtpReport) => {
    if (report.kind !== 'audio' || report.type !== 'inbound-rtp') return;
    totals.totalAudioEnergy += report.totalAudioEnergy ?? 0;
    totals.totalSamplesDuration += report.totalSamplesDuration ?? 0;
    totals.packetsReceived += report.packetsReceived ?? 0;
    totals.bytesReceived += report.bytesReceived ?? 0;
  });
  return totals;
}

/**
 * RMS of what was played out between two snapshots (the W3C definition of
 * totalAudioEnergy: the sum of squared sample levels times their duration).
 */
export function levelBetween(before: InboundAudioSnapshot, after: InboundAudioSnapshot): AudioLevel {
  const duration = after.totalSamplesDuration - before.totalSamplesDuration;
  const energy = after.totalAudioEnergy - before.totalAudioEnergy;
  return {
    level: duration > 0 && energy > 0 ? Math.sqrt(energy / duration) : 0,
    packetsReceived: after.packetsReceived - before.packetsReceived,
    bytesReceived: after.bytesReceived - before.bytesReceived,
  };
}

export function levelWindowMs(requested: number | undefined): number {
  const ms = requested ?? DEFAULT_LEVEL_WINDOW_MS;
  if (!Number.isFinite(ms) || ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS) {
    throw new RangeError(`audioLevel window must be ${MIN_WINDOW_MS}–${MAX_WINDOW_MS} ms, got ${ms}`);
  }
  return ms;
}

export async function measureAudioLevel(connection: RTCPeerConnection | undefined, windowMs?: number): Promise<AudioLevel> {
  const ms = levelWindowMs(windowMs);
  const before = await inboundAudio(connection);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return levelBetween(before, await inboundAudio(connection));
}
