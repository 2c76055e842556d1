import { describe, expect, it } from 'vitest';
import { newCall, reduceCall } from '../../../src/shared/call-state';
import { callPanels } from '../../../src/popup/view-model';

const answered = (id: string, name: string, at: number) =>
  reduceCall(reduceCall(newCall({ id, remoteName: name, remoteNumber: '+1', startedAt: at }), { type: 'answer' }), { type: 'confirmed', at });

describe('the popup with two calls', () => {
  it('a call during a call is "Call waiting" with Hold & answer, above the call in progress', () => {
    const panels = callPanels({ calls: [answered('a', 'Ann', 1), newCall({ id: 'b', remoteName: 'Ben', remoteNumber: '+2', startedAt: 2 })] });
    expect(panels.map((p) => [p.kind, p.id, 'region' in p ? p.region : ''])).toEqual([
      ['ringing', 'b', 'Call waiting'],
      ['in-call', 'a', 'Call in progress'],
    ]);
    expect(panels[0]).toMatchObject({ answerLabel: 'Hold & answer' });
  });
  it('after Hold & answer: the new call is in progress, the first on hold', () => {
    const first = reduceCall(answered('a', 'Ann', 1), { type: 'held', on: true });
    const panels = callPanels({ calls: [first, answered('b', 'Ben', 5)] });
    expect(panels.map((p) => [p.id, p.region])).toEqual([
      ['b', 'Call in progress'],
      ['a', 'Call on hold'],
    ]);
    expect(panels[1]).toMatchObject({ status: 'On hold', held: true });
  });
  it('when one call ends the other stays on hold, shown as the call in progress with Hold pressed', () => {
    const first = reduceCall(answered('a', 'Ann', 1), { type: 'held', on: true });
    expect(callPanels({ calls: [first] })).toMatchObject([{ id: 'a', region: 'Call in progress', held: true, status: 'On hold' }]);
  });
  it('a refused hold is said in the call, and the controls stay usable', () => {
    const refused = reduceCall(answered('a', 'Ann', 1), { type: 'notice', notice: 'hold-refused' });
    expect(callPanels({ calls: [refused] })[0]).toMatchObject({ controls: true, held: false, notice: "The caller's phone refused the hold. The call goes on, not on hold." });
  });
});
