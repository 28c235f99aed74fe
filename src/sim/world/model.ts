/** The simulated world's own records of its markets and traders (what the exchange does not know) */
import type { SimMarket } from '../exchange/exchange-types.ts';
import type { Category } from './catalogue.ts';
import type { PricePath } from './price-path.ts';

export interface WorldMarket {
  /** As added to the exchange; the exchange's copy is the live one */
  sim: SimMarket;
  /** Gamma's numeric market id */
  gammaId: string;
  category: Category;
  eventSlug: string;
  eventTitle: string;
  tags: string[];
  createdAt: Date;
  endTime: Date;
  /** Sports markets: when the game starts (trades after it are "live") */
  gameStartTime: Date | null;
  /** Decided at creation, drawn from the opening mid; the price path drifts toward it */
  yesWins: boolean;
  path: PricePath;
  /** Current Yes mid in micro-units */
  mid: bigint;
  /** Set when the market closed and the exchange paid out */
  closedAt: Date | null;
}

export interface WorldTrader {
  address: string;
  name: string;
  pseudonym: string;
  /**
   * Hidden edge in [−0.5, 0.5]: the trader buys the outcome that will win with probability 0.5 + skill, so at
   * any price p they win more often than p implies when skill > 0 (and less when skill < 0)
   */
  skill: number;
  /** Multiplies the world's trade rate */
  activity: number;
  /** Typical trade in USDC (micro-units); sizes vary around it */
  typicalUsd: bigint;
  /** Per category: how much more (or less) than average the trader trades it */
  affinity: Record<Category, number>;
  /** Chance that an action is a partial sale of a holding rather than a buy */
  sellShare: number;
}

