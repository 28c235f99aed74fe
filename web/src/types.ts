// The API's bodies as the dashboard reads them (the OpenAPI document at /api/openapi.json is the reference)
export type Dec = string;
export interface Point { t: string; v: Dec }

export interface FtSummary {
  wallet_id: string; display_name: string | null; is_active: boolean; starting_balance: Dec; cash: Dec; realized_pnl: Dec;
  open_exposure: Dec; orders: number; open: number; won: number; lost: number; sold: number; void: number; win_rate: Dec | null;
}

export interface LtStrategy {
  strategy_id: string; ft_wallet_id: string; mode: string; is_active: boolean; is_paused: boolean; pause_reason: string | null;
  launched_at: string | null; wallet_address?: string | null; starting_capital?: Dec | null; [setting: string]: unknown;
}
export interface LtCapital {
  book: string; available: Dec; reserved: Dec; position_cost: Dec; locked: Dec; cooldown: Dec; realized_pnl: Dec; fees: Dec;
  net_deposits: Dec; equity: Dec; peak_equity: Dec; drawdown: Dec; conserved: boolean; [field: string]: unknown;
}
export interface KillSwitch { engaged: boolean; reason: string | null; set_at: string | null }
export interface LtItem { strategy: LtStrategy; capital: LtCapital }

/** An LT strategy's state as the operator reads it */
export function ltStatus(s: LtStrategy): 'not_launched' | 'paused' | 'active' | 'stopped' {
  if (!s.launched_at) return 'not_launched';
  if (s.is_paused) return 'paused';
  return s.is_active ? 'active' : 'stopped';
}
