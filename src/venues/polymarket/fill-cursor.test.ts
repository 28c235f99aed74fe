// @backend-independent
/** The fill cursor: new fills once, a FAILED settlement once more, late fills inside the window, nothing before it */
import { describe, expect, it } from 'vitest';
import type { Price, Shares } from '../../domain/money.ts';
import type { VenueFill } from '../../engine/venue-port.ts';
import { advance, decodeCursor, emptyCursor, encodeCursor, pollAfter } from './fill-cursor.ts';

const fill = (id: string, sec: number, status: VenueFill['status'] = 'matched'): VenueFill => ({
  fillId: id, venueOrderId: '0xa', tokenId: '1', side: 'BUY', price: 500_000n as Price, size: 5_000_000n as Shares,
  fee: { asset: 'shares', amount: 0n as Shares }, role: 'taker', time: new Date(sec * 1000), status,
});

describe('fill cursor', () => {
  it('reports each fill once, oldest first, and survives encoding', () => {
    const first = advance(emptyCursor(), [fill('b', 1_000), fill('a', 990), fill('b', 1_000)], 60);
    expect(first.fills.map((f) => f.fillId)).toEqual(['a', 'b']);
    const state = decodeCursor(encodeCursor(first.state));
    expect(state.newest).toBe(1_000);
    expect(advance(state, [fill('a', 990), fill('b', 1_000)], 60).fills).toEqual([]);
    expect(pollAfter(state, 60)).toBe(939);
    expect(pollAfter(emptyCursor(), 60)).toBeNull();
  });

  it('reports a fill again only when its settlement FAILED, never for settlement progress', () => {
    const s1 = advance(emptyCursor(), [fill('a', 1_000)], 60).state;
    expect(advance(s1, [fill('a', 1_000, 'confirmed')], 60).fills).toEqual([]);
    const s2 = advance(s1, [fill('a', 1_000, 'failed')], 60);
    expect(s2.fills.map((f) => f.status)).toEqual(['failed']);
    expect(advance(s2.state, [fill('a', 1_000, 'failed')], 60).fills).toEqual([]);
  });

  it('takes a late fill inside the window and forgets ids older than it', () => {
    const s1 = advance(emptyCursor(), [fill('a', 1_000), fill('old', 900)], 60).state;
    expect([...s1.seen.keys()]).toEqual(['a']);
    expect(advance(s1, [fill('late', 970)], 60).fills.map((f) => f.fillId)).toEqual(['late']);
    expect(advance(s1, [fill('ancient', 930)], 60).fills).toEqual([]);
  });

  it('reads a foreign or broken cursor as the beginning', () => {
    expect(decodeCursor('MA==')).toEqual(emptyCursor());
    expect(decodeCursor('pm1.not-json')).toEqual(emptyCursor());
  });
});
