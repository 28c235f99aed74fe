// @backend-independent
/** KeyedSerial: one call at a time per key, in order, whatever the calls before did; other keys alongside */
import { describe, expect, it } from 'vitest';
import { KeyedSerial } from './concurrency.ts';

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('KeyedSerial', () => {
  it('starts a call for a key only once the one before it settled, and runs other keys beside it', async () => {
    const serial = new KeyedSerial();
    const log: string[] = [];
    const first = gate();
    const a1 = serial.run('a', async () => {
      log.push('a1 start');
      await first.opened;
      log.push('a1 end');
      return 1;
    });
    const a2 = serial.run('a', async () => {
      log.push('a2');
      return 2;
    });
    const b = serial.run('b', async () => {
      log.push('b');
      return 3;
    });
    expect(await b).toBe(3);
    expect(log).toEqual(['a1 start', 'b']); // a2 waits for a1; b does not
    first.open();
    expect(await Promise.all([a1, a2])).toEqual([1, 2]);
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
  });

  it('runs the next call after one that threw, and hands each caller its own outcome', async () => {
    const serial = new KeyedSerial();
    const failed = serial.run('a', async () => {
      throw new Error('boom');
    });
    const next = serial.run('a', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('ran');
  });
});
