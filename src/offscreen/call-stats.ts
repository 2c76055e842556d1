/**
 * Audio counters and levels of a peer connection, from getStats: RTP both
 * ways, the microphone as sent (media-source), what arrives from the caller
 * (inbound-rtp), round trip and jitter for the quality warnings.
 */
import type { CallStats } from '../shared/engine-types';

interface Stat {
  type?: string;
  kind?: string;
  bytesSent?: number;
  bytesReceived?: number;
  packetsSent?: number;
  packetsReceived?: number;
  packetsLost?: number;
  audioLevel?: number;
  totalAudioEnergy?: number;
  totalSamplesDuration?: number;
  jitter?: number;
  roundTripTime?: number;
  currentRoundTripTime?: number;
  nominated?: boolean;
  state?: string;
}

export async function audioStats(pc: RTCPeerConnection): Promise<CallStats> {
  const totals: CallStats = {
    bytesSent: 0,
    bytesReceived: 0,
    packetsSent: 0,
    packetsReceived: 0,
    packetsLost: 0,
    micLevel: 0,
    remoteLevel: 0,
    inboundEnergy: 0,
    inboundDuration: 0,
    roundTripMs: null,
    jitterMs: null,
    microphoneLabel: pc.getSenders().find((s) => s.track?.kind === 'audio')?.track?.label ?? '',
    speakerId: '',
  };
  let pairRtt: number | null = null;
  (await pc.getStats()).forEach((stat: Stat) => {
    if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded' && stat.currentRoundTripTime !== undefined) {
      pairRtt = stat.currentRoundTripTime * 1000;
    }
    if (stat.kind !== 'audio') return;
    switch (stat.type) {
      case 'outbound-rtp':
        totals.bytesSent += stat.bytesSent ?? 0;
        totals.packetsSent += stat.packetsSent ?? 0;
        return;
      case 'inbound-rtp':
        totals.bytesReceived += stat.bytesReceived ?? 0;
        totals.packetsReceived += stat.packetsReceived ?? 0;
        totals.packetsLost += stat.packetsLost ?? 0;
        totals.remoteLevel = Math.max(totals.remoteLevel, stat.audioLevel ?? 0);
        totals.inboundEnergy += stat.totalAudioEnergy ?? 0;
        totals.inboundDuration += stat.totalSamplesDuration ?? 0;
        if (stat.jitter !== undefined) totals.jitterMs = stat.jitter * 1000;
        return;
      case 'media-source':
        totals.micLevel = Math.max(totals.micLevel, stat.audioLevel ?? 0);
        return;
      case 'remote-inbound-rtp':
        if (stat.roundTripTime !== undefined) totals.roundTripMs = stat.roundTripTime * 1000;
        return;
      default:
        return;
    }
  });
  totals.roundTripMs ??= pairRtt;
  return totals;
}
