/** Clocks: the system clock, and a manual one for tests and replay */
import type { Clock } from './ports.ts';

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    const next = new Date(to).getTime();
    if (next < this.current) throw new Error('a manual clock never goes back');
    this.current = next;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
