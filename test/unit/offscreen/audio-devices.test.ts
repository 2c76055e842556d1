/** The device fallback over a fake MediaDevices: unplugged → default, told once; plugged back → used again. */
import { describe, expect, it } from 'vitest';
import { AudioDevices, type DeviceLister } from '../../../src/offscreen/audio-devices';
import type { AudioDeviceKind } from '../../../src/shared/audio-preferences';

function fakeMedia(initial: Array<[MediaDeviceKind, string]>) {
  let devices = initial;
  let onChange: () => void = () => undefined;
  const media: DeviceLister = {
    enumerateDevices: async () => devices.map(([kind, deviceId]) => ({ kind, deviceId, label: deviceId, groupId: '', toJSON: () => ({}) }) as MediaDeviceInfo),
    addEventListener: (_type, listener) => void (onChange = listener),
  };
  return {
    media,
    /** Unplug or plug, then the browser's devicechange. */
    async set(next: Array<[MediaDeviceKind, string]>) {
      devices = next;
      onChange();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    },
  };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('audio devices', () => {
  it('uses the chosen device while present; unplugged: the default, the agent told once, the call switched live; back: used again', async () => {
    const headset: Array<[MediaDeviceKind, string]> = [['audioinput', 'default'], ['audioinput', 'headset-mic'], ['audiooutput', 'default'], ['audiooutput', 'headset-out']];
    const fake = fakeMedia(headset);
    const told: AudioDeviceKind[] = [];
    const applied: Array<[AudioDeviceKind, string | null]> = [];
    const devices = new AudioDevices(fake.media, (kind) => told.push(kind));
    devices.onChange((kind, id) => applied.push([kind, id]));

    devices.set({ microphoneId: 'headset-mic', speakerId: 'headset-out', ringerId: null });
    await flush();
    expect(await devices.use('microphone')).toBe('headset-mic');
    expect(await devices.use('ringer')).toBeNull(); // The default, by choice: nothing to tell.
    expect(applied).toEqual([['microphone', 'headset-mic'], ['speaker', 'headset-out']]);

    await fake.set([['audioinput', 'default'], ['audiooutput', 'default']]); // The headset is unplugged.
    expect(told.sort()).toEqual(['microphone', 'speaker']);
    expect(applied.slice(2).sort()).toEqual([['microphone', null], ['speaker', null]]);
    expect(await devices.use('microphone')).toBeNull();
    await fake.set([['audioinput', 'default'], ['audiooutput', 'default']]); // Another change: not told again.
    expect(told).toHaveLength(2);

    await fake.set(headset); // Plugged back.
    expect(applied.slice(4).sort()).toEqual([['microphone', 'headset-mic'], ['speaker', 'headset-out']]);
    expect(await devices.use('speaker')).toBe('headset-out');
  });

  it('a device chosen earlier and gone since (the browser was closed): the default at once, told', async () => {
    const fake = fakeMedia([['audioinput', 'default']]);
    const told: AudioDeviceKind[] = [];
    const devices = new AudioDevices(fake.media, (kind) => told.push(kind));
    devices.set({ microphoneId: 'usb-mic-from-yesterday', speakerId: null, ringerId: null });
    expect(await devices.use('microphone')).toBeNull();
    expect(told).toEqual(['microphone']);
  });
});
