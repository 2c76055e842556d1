/** Audio counters of a peer connection, from getStats (RTP bytes both ways). */
import type { CallStats } from '../shared/engine-types';

export async function audioStats(pc: RTCPeerConnection): Promise<CallStats> {
  const totals: CallStats = { bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0 };
  const report = await pc.getStats();
  report.forEach((stat: { type?: string; kind?: string; bytesSent?: number; bytesReceived?: number; packetsSent?: number; packetsReceived?: number }) => {
    if (stat.kind !== 'audio') return;
    if (stat.type === 'outbound-rtp') {
      totals.bytesSent += stat.bytesSent ?? 0;
      totals.packetsSent += stat.packetsSent ?? 0;
    } else if (stat.type === 'inbound-rtp') {
      totals.bytesReceived += stat.bytesReceived ?? 0;
      totals.packetsReceived += stat.packetsReceived ?? 0;
    }
  });
  return totals;
}
