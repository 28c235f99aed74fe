/** The simulated exchange's trades: each kept by id and by account, and taken MATCHED → MINED → CONFIRMED on schedule */
import type { SimTrade } from './exchange-types.ts';

export const copyTrade = (t: SimTrade): SimTrade => ({ ...t, makers: t.makers.map((m) => ({ ...m })) });

export interface TradeSchedule {
  /** A trade is MINED on the first tick at least this long after its match */
  mineAfterMs: number;
  /** … and CONFIRMED on the first tick at least this long after that */
  confirmAfterMs: number;
}

export class TradeLog {
  private readonly byId = new Map<string, SimTrade>();
  private readonly byAccount = new Map<string, SimTrade[]>();
  private unconfirmed: SimTrade[] = [];

  constructor(private readonly schedule: TradeSchedule) {}

  /** A new trade (the log keeps this object: its status advances in place) */
  record(trade: SimTrade): void {
    this.byId.set(trade.tradeId, trade);
    this.unconfirmed.push(trade);
    const accounts = new Set([trade.takerAccount, ...trade.makers.map((m) => m.account)]);
    for (const account of accounts) {
      const list = this.byAccount.get(account) ?? [];
      list.push(trade);
      this.byAccount.set(account, list);
    }
  }

  /** Copies of the trades the account took part in, oldest first */
  trades(account: string): SimTrade[] {
    return (this.byAccount.get(account) ?? []).map(copyTrade);
  }

  trade(tradeId: string): SimTrade | null {
    const trade = this.byId.get(tradeId);
    return trade ? copyTrade(trade) : null;
  }

  /**
   * Statuses follow the schedule from the match time, so sparse ticks give the same statuses as frequent ones; `changed`
   * gets a copy of each trade whose status moved
   */
  advance(now: number, changed: (trade: SimTrade) => void): void {
    for (const trade of this.unconfirmed) {
      const minedAt = trade.matchTime.getTime() + this.schedule.mineAfterMs;
      if (trade.status === 'MATCHED' && now >= minedAt) {
        trade.status = 'MINED';
        changed(copyTrade(trade));
      }
      if (trade.status === 'MINED' && now >= minedAt + this.schedule.confirmAfterMs) {
        trade.status = 'CONFIRMED';
        changed(copyTrade(trade));
      }
    }
    this.unconfirmed = this.unconfirmed.filter((t) => t.status === 'MATCHED' || t.status === 'MINED');
  }
}
