/**
 * Call-quality warnings from getStats, in words an agent understands. Pure:
 * the engine samples its peer connection every few seconds and reports the
 * issues only when they change.
 *
 * Thresholds are the published ones (ITU-T G.114 puts one-way delay beyond
 * ~200 ms, i.e. round trip beyond ~400 ms, as noticeable; jitter beyond 30 ms
 * and loss beyond 3 % are where Opus concealment stops hiding it).
 */
import type { QualityIssue } from './call-state';

export const QUALITY_THRESHOLDS = {
  roundTripMs: 400,
  jitterMs: 30,
  lossPercent: 3,
} as const;

/** The counters of one getStats sample that quality is judged by. */
export interface QualitySample {
  /** Round-trip time (remote-inbound-rtp or the selected candidate pair), null when unknown. */
  roundTripMs: number | null;
  /** Inbound jitter, null when unknown. */
  jitterMs: number | null;
  /** Cumulative inbound counters. */
  packetsReceived: number;
  packetsLost: number;
}

/** Loss between two samples in percent (cumulative counters), null when nothing arrived. */
export function lossPercent(prev: QualitySample | null, cur: QualitySample): number | null {
  const received = cur.packetsReceived - (prev?.packetsReceived ?? 0);
  const lost = Math.max(0, cur.packetsLost - (prev?.packetsLost ?? 0));
  const expected = received + lost;
  return expected > 0 ? (100 * lost) / expected : null;
}

export function qualityIssues(prev: QualitySample | null, cur: QualitySample): QualityIssue[] {
  const issues: QualityIssue[] = [];
  if (cur.roundTripMs !== null && cur.roundTripMs > QUALITY_THRESHOLDS.roundTripMs) issues.push('latency');
  if (cur.jitterMs !== null && cur.jitterMs > QUALITY_THRESHOLDS.jitterMs) issues.push('jitter');
  const loss = lossPercent(prev, cur);
  if (loss !== null && loss > QUALITY_THRESHOLDS.lossPercent) issues.push('loss');
  return issues;
}
