/**
 * The microphone, from the offscreen document. This document cannot show a
 * permission prompt: without a grant (made once on the permission page, for the
 * extension's origin) getUserMedia fails at once with NotAllowedError.
 */
import type { MicStatus } from '../shared/engine-types';
import type { ErrorCode } from '../shared/errors';

const CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: false,
};

/**
 * One PermissionStatus for the document's life. Chromium keeps every status
 * it hands out alive while it listens for changes (for the life of the
 * document), so a query per answered call leaked one object per call (found by
 * the soak: 121 after 300 calls). A live status's `state` is always current.
 */
let micStatus: Promise<PermissionStatus | null> | null = null;

function micStatusObject(): Promise<PermissionStatus | null> {
  micStatus ??= navigator.permissions.query({ name: 'microphone' }).catch(() => null);
  return micStatus;
}

export async function micPermission(): Promise<MicStatus> {
  return (await micStatusObject())?.state ?? 'unknown';
}

/** Calls back whenever the grant changes (revoked in chrome://settings, or granted). */
export async function watchMicPermission(onChange: (status: MicStatus) => void): Promise<void> {
  // Without a Permissions API for the microphone, the checks before enable and answer still run.
  const status = await micStatusObject();
  status?.addEventListener('change', () => onChange(status.state));
}

export type MicResult = { ok: true; stream: MediaStream } | { ok: false; error: ErrorCode };

/** The chosen microphone (`deviceId`), or the default when none is chosen or the chosen one is gone. */
export async function acquireMicrophone(deviceId: string | null = null): Promise<MicResult> {
  const constraints: MediaStreamConstraints = deviceId ? { ...CONSTRAINTS, audio: { ...(CONSTRAINTS.audio as MediaTrackConstraints), deviceId: { exact: deviceId } } } : CONSTRAINTS;
  try {
    return { ok: true, stream: await navigator.mediaDevices.getUserMedia(constraints) };
  } catch (err) {
    const name = err instanceof DOMException ? err.name : '';
    // Unplugged between the check and the call: the default rather than no call.
    if (deviceId && (name === 'OverconstrainedError' || name === 'NotFoundError')) return acquireMicrophone(null);
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      return { ok: false, error: (await micPermission()) === 'denied' ? 'mic_denied' : 'mic_not_granted' };
    }
    return { ok: false, error: 'mic_unavailable' };
  }
}

export function releaseStream(stream: MediaStream | null): void {
  stream?.getTracks().forEach((track) => track.stop());
}
