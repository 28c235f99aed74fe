// The bodies of the LT endpoints the strategy, order and orders pages read (/work contract of issue 11; the OpenAPI
// document at /api/openapi.json is the reference). Money, prices, shares, ratios and percents are decimal strings
import type { Dec, Point } from './types.ts';

export interface Market { condition_id: string; question: string | null; outcome: string | null; token_id: string }
export interface OrderRow {
  order_id: string; strategy_id: string; ft_order_id: string; trace_id: string; signal_at: string; submitted_at: string | null; market: Market;
  side: string; order_type: string; status: string; display_status: string;
  requested_shares: Dec | null; requested_usd: Dec | null; filled_shares: Dec; filled_usd: Dec; avg_price: Dec | null;
  signal_price: Dec; limit_price: Dec | null; fill_rate: Dec | null; signal_slippage_pct: Dec | null;
  slippage_ticks: Dec | null; slippage_cents: Dec | null; order_latency_ms: number | null; fees_usd: Dec; quality_score: Dec | null;
}
export interface OrderList { orders: OrderRow[]; next_cursor: string | null }

export interface GapFigures {
  lt_pnl_usd: Dec; ft_pnl_usd: Dec; total_usd: Dec; delay_usd: Dec; execution_usd: Dec; fees_usd: Dec; opportunity_usd: Dec; sizing_usd: Dec;
}
export interface GapLeg extends GapFigures {
  ft_order_id: string; at: string; leg: string; side: string; condition_id: string; token_id: string; disposition: string;
  rule: string | null; horizon_price: Dec; horizon: string;
}
export interface OrderDetail {
  order: OrderRow;
  signal: { ft_order_id: string; ft_wallet_id: string; trader: string | null;
    source_trade: { trade_id: string; tx_hash: string | null; price: Dec; size: Dec; side: string; at: string } | null;
    ft_price: Dec; ft_size_usd: Dec | null; ft_shares: Dec | null };
  intent: { at: string; best_bid: Dec | null; best_ask: Dec | null; mid: Dec | null; tick_size: Dec | null;
    expected_slippage_pct: Dec | null; limit_price: Dec | null; size_shares: Dec | null; size_usd: Dec | null } | null;
  fills: { fill_id: string; at: string; price: Dec; shares: Dec; usd: Dec; fee_usd: Dec; role: string | null }[];
  fees_usd: Dec;
  quality: { score: Dec | null; version: string | null; components: { name: string; value: Dec | null; weight: Dec }[] };
  gap_leg: GapLeg | null;
  audit: { at: string; event: string; detail: string | null }[];
}

export interface Bucket { lo: Dec | number | null; hi: Dec | number | null; count: number }
export interface RiskLimit { name: string; label: string; unit?: 'usd' | 'ratio'; used: Dec; limit: Dec; ratio: Dec | null }
export interface Breaker { name: string; label: string; tripped: boolean; reason: string | null; at: string | null }
export interface StrategySeries {
  strategy_id: string; launched_at: string | null;
  equity: { ft: Point[]; lt: Point[] };
  fill_rate: { t: string; orders: number; fill_rate: Dec | null }[];
  slippage: { unit: string; buckets: Bucket[] };
  slippage_ticks: { buckets: Bucket[] };
  latency: { unit: string; buckets: Bucket[] };
  risk: { limits: RiskLimit[]; breakers: Breaker[] };
}

export interface Side { [field: string]: Dec | number | null }
export interface Target { metric: string; status: 'green' | 'red' | 'no_data'; value: string | null; target: string }
export interface Comparison {
  strategy_id: string; launched_at: string | null; ft: Side; lt: Side;
  gap: GapFigures & { signals: number; not_mirrored: number; pending: number };
  targets: Target[];
}

export interface Position {
  ft_order_id: string; condition_id: string; token_id: string; outcome: string | null; market: string | null; shares: Dec;
  cost_usd: Dec; mark_price: Dec | null; mark: string | null; value_usd: Dec | null; unrealized_pnl_usd: Dec | null;
}
/** The first page of the open positions (newest first) and how many there are in all */
export interface Positions { strategy_id: string; book: string; count: number; positions: Position[]; limit: number; next_cursor: string | null }

export interface Alert {
  alert_id: string; kind: string; severity: 'info' | 'warning' | 'critical'; message: string; strategy_id: string | null;
  system: boolean; fired_at: string; suppressed: number; last_seen_at: string; delivery: string;
}
