/** Shared state of one simulator server: the exchange, API keys, order owners, funding and the event stream the sockets read */
import type { Clock } from '../../engine/ports.ts';
import type { Usdc } from '../../domain/money.ts';
import type { OrderSide } from '../../engine/venue-port.ts';
import type { Exchange, ExchangeEvent, SimTrade, SimTradeStatus } from '../exchange/exchange-types.ts';
import { ApiKeyRegistry, type ApiCreds } from './auth.ts';
import type { Faults } from './faults.ts';
import { uuidFrom } from './util.ts';

export interface LastTrade {
  price: bigint;
  side: OrderSide;
  size: bigint;
}

const HISTORY_CAP = 5000;
const FINAL: SimTradeStatus[] = ['CONFIRMED', 'FAILED'];

export class SimState {
  readonly registry: ApiKeyRegistry;
  readonly lastTrade = new Map<string, LastTrade>();
  /** Per token: trade prices over time, for /prices-history */
  readonly history = new Map<string, { t: number; p: bigint }[]>();
  private readonly funded = new Set<string>();
  private readonly orderOwners = new Map<string, string>();
  private readonly keyAccounts = new Map<string, Set<string>>();
  private readonly releaseAt = new Map<string, number>();
  private readonly lastUpdate = new Map<string, number>();
  private readonly emitted = new Map<string, SimTradeStatus>();
  private readonly unsettled = new Set<string>();
  private held: SimTrade[] = [];
  private readonly listeners = new Set<(event: ExchangeEvent) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly exchange: Exchange, readonly clock: Clock, readonly faults: Faults, readonly fund: Usdc, readonly secret: string,
  ) {
    this.registry = new ApiKeyRegistry(secret);
    this.unsubscribe = exchange.subscribe((event) => this.onExchangeEvent(event));
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  /** Listens to exchange events as the wire should see them (trade status changes held back while settlement is delayed) */
  on(listener: (event: ExchangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Credits `--fund` USDC the first time an account is seen */
  fundOnce(account: string): void {
    if (this.funded.has(account)) return;
    this.funded.add(account);
    if (this.fund > 0n) this.exchange.credit(account, 'USDC', this.fund);
  }

  /** What `fundOnce` credited to an account (lower-case address): `--fund` once it was seen, 0 before */
  fundedWith(account: string): Usdc {
    return (this.funded.has(account.toLowerCase()) ? this.fund : 0n) as Usdc;
  }

  /** Accounts an API key trades for: its own address plus makers (proxy / Safe / deposit wallets) it signed for */
  accountsOf(creds: ApiCreds): string[] {
    return [creds.address, ...(this.keyAccounts.get(creds.apiKey) ?? [])].filter((a, i, all) => all.indexOf(a) === i);
  }

  recordOrder(orderId: string, creds: ApiCreds, account: string): void {
    this.orderOwners.set(orderId, creds.apiKey);
    if (account !== creds.address) {
      const set = this.keyAccounts.get(creds.apiKey) ?? new Set<string>();
      set.add(account);
      this.keyAccounts.set(creds.apiKey, set);
    }
  }

  /** The `owner` (API key) shown for an order: the key that posted it, else the account's first key, else a stable uuid */
  ownerOf(orderId: string, account: string): string {
    return this.orderOwners.get(orderId) ?? this.ownerOfAccount(account);
  }

  ownerOfAccount(account: string): string {
    return this.registry.keysOf(account)[0]?.apiKey ?? uuidFrom(this.secret, `owner:${account}`);
  }

  /** Whether a trade is still held at MATCHED by the settle-delay fault */
  isHeld(trade: SimTrade): boolean {
    const at = this.releaseAt.get(trade.tradeId);
    return at !== undefined && this.clock.now().getTime() < at;
  }

  /** The trade's status, hash and last update as the wire shows them */
  tradeView(trade: SimTrade): { status: SimTradeStatus; transactionHash: string; lastUpdate: Date } {
    const held = this.isHeld(trade);
    const updated = this.lastUpdate.get(trade.tradeId) ?? trade.matchTime.getTime();
    return {
      status: held ? 'MATCHED' : trade.status,
      transactionHash: held ? '' : trade.transactionHash,
      lastUpdate: new Date(held ? trade.matchTime.getTime() : updated),
    };
  }

  /** Advances the exchange (expiries, settlement) and publishes status changes the exchange did not announce */
  pump(): void {
    this.exchange.tick();
    for (const id of [...this.unsettled]) {
      const trade = this.exchange.trade(id);
      if (trade && trade.status !== this.emitted.get(id)) this.onTrade({ ...trade });
    }
    const due = this.held.filter((t) => !this.isHeld(t));
    if (due.length === 0) return;
    this.held = this.held.filter((t) => this.isHeld(t));
    for (const trade of due) this.emit({ type: 'trade', trade });
  }

  /** Records a trade returned by `place` (in case the exchange announced it late or not at all) */
  observe(trade: SimTrade): void {
    this.onTrade({ ...trade });
  }

  private onExchangeEvent(event: ExchangeEvent): void {
    if (event.type === 'trade') this.onTrade({ ...event.trade });
    else this.emit(event);
  }

  private onTrade(trade: SimTrade): void {
    const id = trade.tradeId;
    if (this.emitted.get(id) === trade.status) return;
    const first = !this.emitted.has(id) && !this.releaseAt.has(id);
    if (first) this.firstSight(trade);
    if (!FINAL.includes(trade.status)) this.unsettled.add(id);
    else this.unsettled.delete(id);
    this.emitted.set(id, trade.status);
    if (!first) this.lastUpdate.set(id, this.clock.now().getTime());
    if (trade.status !== 'MATCHED' && this.isHeld(trade)) this.held.push(trade);
    else this.emit({ type: 'trade', trade });
  }

  private firstSight(trade: SimTrade): void {
    this.releaseAt.set(trade.tradeId, trade.matchTime.getTime() + this.faults.current.settleDelayMs);
    this.lastTrade.set(trade.tokenId, { price: trade.price, side: trade.side, size: trade.size });
    const list = this.history.get(trade.tokenId) ?? [];
    list.push({ t: Math.floor(trade.matchTime.getTime() / 1000), p: trade.price });
    if (list.length > HISTORY_CAP) list.shift();
    this.history.set(trade.tokenId, list);
  }

  private emit(event: ExchangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a socket's failure is its own
      }
    }
  }
}
