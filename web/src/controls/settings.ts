// An LT strategy's execution settings as the create flow and the settings editor show them: each with its default
// (src/engine/lt-strategies.ts DEFAULTS, the seed's "Default Settings") and what it does (README "LT strategy
// settings"). The API validates; the form only turns text into the JSON type each field takes.
export type Kind = 'money' | 'pct' | 'int' | 'decimal' | 'bool' | 'enum';
export interface Setting {
  name: string; label: string; kind: Kind; nullable: boolean;
  /** The API's default, in the form the API returns it ('' = none) */
  def: string; meaning: string; options?: string[]; unit?: string;
  /** What an empty field means (placeholder); 'no limit' unless said */
  empty?: string;
}

export const SETTINGS: Setting[] = [
  { name: 'mode', label: 'Mode', kind: 'enum', nullable: false, def: 'live', options: ['live', 'shadow'],
    meaning: 'live sends real orders through the wallet below; shadow only records what it would have sent (no wallet needed).' },
  { name: 'order_type', label: 'Order type', kind: 'enum', nullable: false, def: 'GTC', options: ['GTC', 'GTD', 'FOK', 'FAK'],
    meaning: 'GTC rests until filled or cancelled; GTD expires after the time to live (> 60 s); FOK fills entirely or not at all; FAK fills what it can at once.' },
  { name: 'order_ttl_seconds', label: 'Order time to live', kind: 'int', nullable: true, def: '', unit: 's', empty: 'never',
    meaning: 'Cancels a resting order after this many seconds (empty: never). Does nothing for FOK/FAK, which never rest.' },
  { name: 'slippage_tolerance_pct', label: 'Slippage tolerance', kind: 'pct', nullable: false, def: '0.5', unit: '%',
    meaning: 'The worst price accepted, as % of the trader\'s price; a signal whose expected price is worse is skipped. The cap of the ticks and spread modes.' },
  { name: 'tolerance_mode', label: 'Tolerance mode', kind: 'enum', nullable: false, def: 'fixed_pct', options: ['fixed_pct', 'ticks', 'spread'],
    meaning: 'fixed_pct: the percentage above; ticks: N ticks of the market; spread: k × the bid–ask spread (both capped by the percentage, which must then be above 0).' },
  { name: 'tolerance_ticks', label: 'Tolerance ticks', kind: 'int', nullable: true, def: '', empty: 'none',
    meaning: 'For the ticks mode: 1–100 whole ticks (empty under the other modes).' },
  { name: 'tolerance_spread_multiple', label: 'Tolerance spread multiple', kind: 'decimal', nullable: true, def: '', empty: 'none',
    meaning: 'For the spread mode: k in (0, 100], at most 4 decimals (empty under the other modes).' },
  { name: 'min_order_usd', label: 'Min order', kind: 'money', nullable: true, def: '1', unit: 'USDC',
    meaning: 'A signal sized below this is skipped (the venue refuses tiny orders).' },
  { name: 'max_order_usd', label: 'Max order', kind: 'money', nullable: true, def: '100', unit: 'USDC',
    meaning: 'An order is cut to this size.' },
  { name: 'max_position_per_market_usd', label: 'Max position per market', kind: 'money', nullable: true, def: '', unit: 'USDC',
    meaning: 'Cost held in one market at most (empty: no limit).' },
  { name: 'max_total_exposure_usd', label: 'Max total exposure', kind: 'money', nullable: true, def: '', unit: 'USDC',
    meaning: 'Cost of all open positions at most (empty: no limit).' },
  { name: 'daily_budget_usd', label: 'Daily budget', kind: 'money', nullable: true, def: '', unit: 'USDC',
    meaning: 'New buying per UTC day at most (empty: no limit).' },
  { name: 'max_daily_loss_usd', label: 'Max daily loss', kind: 'money', nullable: true, def: '', unit: 'USDC',
    meaning: 'Pauses the strategy when the day\'s loss reaches this (empty: no limit).' },
  { name: 'max_drawdown_pct', label: 'Max drawdown', kind: 'pct', nullable: true, def: '', unit: '%',
    meaning: 'Pauses the strategy when equity falls this far below its peak (empty: no limit).' },
  { name: 'max_signal_age_seconds', label: 'Max signal age', kind: 'int', nullable: true, def: '300', unit: 's',
    meaning: 'A trader\'s trade older than this when LT sees it is skipped.' },
  { name: 'latency_alert_ms', label: 'Latency alert', kind: 'int', nullable: true, def: '2000', unit: 'ms', empty: 'no alert',
    meaning: 'Alerts when an order takes longer than this from signal to venue.' },
  { name: 'cooldown_seconds', label: 'Cooldown', kind: 'int', nullable: false, def: '0', unit: 's',
    meaning: 'Proceeds of a sale or a resolution become available again after this many seconds.' },
  { name: 'sync_ft_changes', label: 'Follow FT edits', kind: 'bool', nullable: false, def: 'false',
    meaning: 'Off: the paper strategy\'s filters as they were at the first launch; on: its current filters. Capital and sizing never follow.' },
];

export const settingNamed = (name: string): Setting | undefined => SETTINGS.find((s) => s.name === name);

/** The text a field shows for an API value (null → '') */
export function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  return String(v);
}

/** The same value, in the API's spelling or not ('1.000000' = '1', '0.5000' = '0.5') */
export function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  const num = /^-?\d+(\.\d+)?$/;
  if (!num.test(a) || !num.test(b)) return false;
  const norm = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  return norm(a) === norm(b);
}

/** The JSON value the API takes for a field's text: numbers for integers, booleans, decimal strings; '' → null */
export function jsonOf(s: Setting, text: string): unknown {
  const t = text.trim();
  if (t === '') return s.nullable ? null : t;
  if (s.kind === 'bool') return t === 'true';
  if (s.kind === 'int') return /^-?\d+$/.test(t) ? Number(t) : t; // not a whole number: the API says so at the field
  return t;
}

/** The fields whose text differs from `base` (a strategy's settings, or the defaults), as the API's JSON */
export function changedSettings(values: Record<string, string>, base: (s: Setting) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const v = values[s.name];
    if (v === undefined || sameValue(v.trim(), base(s))) continue;
    out[s.name] = jsonOf(s, v);
  }
  // A dynamic tolerance mode needs its cap in the same request (the API refuses an old cap capping a new mode by surprise)
  if ('tolerance_mode' in out && values.slippage_tolerance_pct !== undefined) {
    out.slippage_tolerance_pct = jsonOf(settingNamed('slippage_tolerance_pct')!, values.slippage_tolerance_pct);
  }
  return out;
}
