/**
 * Preflight: may a wallet trade? From facts about its key, its API credentials, the CLOB, its collateral, the cash its
 * live strategies hold and the collateral allowances its venue needs, the list of what is missing, each problem named
 * and worded for an operator. Problems that stop every order make the venue `off`; problems that only forbid new
 * entries (money or allowances) make it `degraded`
 */
import { formatMicros, type Usdc } from './money.ts';

/** Why the venue could not be set up or answered; set by whoever builds or calls the venue */
export type SetupProblemCode =
  | 'no_private_key' | 'invalid_private_key' | 'clob_unreachable' | 'api_creds_unavailable' | 'api_creds_rejected'
  | 'venue_error' | 'not_checked';

export type ProblemCode = SetupProblemCode | 'collateral_short' | 'allowance_missing' | 'allowance_short';

/** The contracts Polymarket needs a collateral allowance for */
export type SpenderRole = 'exchange' | 'neg_risk_exchange' | 'neg_risk_adapter';

export const SPENDER_LABEL: Record<SpenderRole, string> = {
  exchange: 'the CTF exchange', neg_risk_exchange: 'the neg-risk exchange', neg_risk_adapter: 'the neg-risk adapter',
};

export interface SpenderAllowance {
  role: SpenderRole;
  /** The spender contract's address */
  spender: string;
  /** Collateral micro-units the spender may move; null when the venue did not report this spender */
  amount: bigint | null;
}

/** The live strategies trading through the wallet, summed: their capital and the cash their ledgers say they hold */
export interface StrategyFunds {
  count: number;
  /** Σ starting capital */
  capital: Usdc;
  /** Σ available cash by the ledgers (equal to the capital until they trade) */
  cash: Usdc;
}

export interface PreflightFacts {
  /** A set-up failure: no key, a bad key, no CLOB, no API credentials. Nothing else is known then */
  setup: { code: SetupProblemCode; detail: string } | null;
  /** The wallet's spendable collateral (not reserved by resting orders) */
  collateral: Usdc;
  strategies: StrategyFunds;
  /** Null when the venue needs no allowance (the simulated venue) */
  allowances: SpenderAllowance[] | null;
}

export type Severity = 'off' | 'degraded';

export interface PreflightProblem {
  code: ProblemCode;
  severity: Severity;
  message: string;
}

export type VenueState = 'ready' | 'degraded' | 'off';

export type PreflightResult = { ok: true } | { ok: false; problems: PreflightProblem[] };

const SETUP_SEVERITY: Severity = 'off';

/** Two amounts as USDC with cents, or with micro-units when cents would show them equal */
function amounts(a: bigint, b: bigint): [string, string] {
  const [x, y] = [formatMicros(a, 2), formatMicros(b, 2)];
  return x === y ? [formatMicros(a), formatMicros(b)] : [x, y];
}

const strategiesText = (n: number): string => (n === 1 ? '1 live strategy' : `${n} live strategies`);

/** What the strategies need: their cash, named as capital while it still equals it */
function needText(s: StrategyFunds, amount: string, capital: string): string {
  const who = `of ${strategiesText(s.count)}`;
  return s.cash === s.capital ? `capital ${amount} USDC ${who}` : `cash ${amount} USDC ${who} (capital ${capital} USDC)`;
}

function collateralProblem(f: PreflightFacts): PreflightProblem | null {
  if (f.strategies.count === 0 || f.collateral >= f.strategies.cash) return null;
  const [have, need] = amounts(f.collateral, f.strategies.cash);
  const capital = formatMicros(f.strategies.capital, 2);
  return { code: 'collateral_short', severity: 'degraded', message: `collateral ${have} USDC < ${needText(f.strategies, need, capital)}` };
}

function allowanceProblem(a: SpenderAllowance, need: Usdc, count: number): PreflightProblem | null {
  const who = `${SPENDER_LABEL[a.role]} ${a.spender}`;
  if (a.amount === null || a.amount <= 0n) {
    return { code: 'allowance_missing', severity: 'degraded', message: `no collateral allowance for ${who}` };
  }
  if (count === 0 || a.amount >= need) return null;
  const [have, want] = amounts(a.amount, need);
  return {
    code: 'allowance_short', severity: 'degraded',
    message: `collateral allowance ${have} USDC for ${who} < ${want} USDC the live strategies may spend`,
  };
}

/** Every problem, set-up first; ok only when there is none */
export function preflight(f: PreflightFacts): PreflightResult {
  if (f.setup) return { ok: false, problems: [{ code: f.setup.code, severity: SETUP_SEVERITY, message: f.setup.detail }] };
  const problems: PreflightProblem[] = [];
  const short = collateralProblem(f);
  if (short) problems.push(short);
  for (const a of f.allowances ?? []) {
    const p = allowanceProblem(a, f.strategies.cash, f.strategies.count);
    if (p) problems.push(p);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** off when any problem stops every order, degraded when some only forbid entries, ready otherwise */
export function venueStateOf(problems: readonly PreflightProblem[]): VenueState {
  if (problems.some((p) => p.severity === 'off')) return 'off';
  return problems.length > 0 ? 'degraded' : 'ready';
}
