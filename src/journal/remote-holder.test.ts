import { describe, expect, it } from 'vitest';
import { judge, type RemoteHolder, type RemoteObservation } from './remote-holder.js';

const holder = (runId: string, state: RemoteHolder['state']): RemoteHolder => ({ runId, user: 'ana', host: 'laptop', since: '2026-12-02T14:00:00.000Z', state });
const held = (runId: string, state: RemoteHolder['state'], ageSeconds: number): RemoteObservation => ({ state: 'held', holder: holder(runId, state), version: '7', ageSeconds });

describe('judge: who may take a remote site lock', () => {
  it.each([
    ['no lock yet', { state: 'free' } as RemoteObservation, { take: 'create' }],
    ['a released lock', { state: 'free', version: '9' } as RemoteObservation, { take: 'replace' }],
    ['its own paused lock', held('r1', 'paused', 500), { take: 'replace', from: holder('r1', 'paused'), stale: true }],
    ['its own lock nobody renews', held('r1', 'active', 61), { take: 'replace', from: holder('r1', 'active'), stale: true }],
  ])('run r1 takes %s', (_name, found, verdict) => {
    expect(judge(found, 'r1', 60)).toEqual(verdict);
  });

  it.each([
    ['its own lock another process renews', held('r1', 'active', 5), 'driven'],
    ['another run\'s active lock', held('r2', 'active', 5), 'other-run'],
    ['another run\'s paused lock', held('r2', 'paused', 5), 'other-run'],
    ['another run\'s stale lock', held('r2', 'active', 999), 'other-run'],
    ['a lock it cannot read', { state: 'unreadable', version: '1', reason: 'no holder' } as RemoteObservation, 'unreadable'],
  ])('run r1 is refused %s', (_name, found, refusal) => {
    expect(judge(found, 'r1', 60)).toMatchObject({ refuse: refusal });
  });
});
