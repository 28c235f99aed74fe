// @backend-independent
import { describe, expect, it } from 'vitest';
import { usdc, type Usdc } from './money.ts';
import { preflight, venueStateOf, type PreflightFacts, type SpenderAllowance } from './preflight.ts';

const EXCHANGE = '0xE111180000d2663C0091e4f400237545B87B996B';
const NEG_RISK_EXCHANGE = '0xe2222d279d744050d28e00520010520000310F59';
const ADAPTER = '0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296';
const MAX = (1n << 256n) - 1n;

const allowances = (over: Partial<Record<'exchange' | 'neg_risk_exchange' | 'neg_risk_adapter', bigint | null>> = {}): SpenderAllowance[] => [
  { role: 'exchange', spender: EXCHANGE, amount: 'exchange' in over ? over.exchange! : MAX },
  { role: 'neg_risk_exchange', spender: NEG_RISK_EXCHANGE, amount: 'neg_risk_exchange' in over ? over.neg_risk_exchange! : MAX },
  { role: 'neg_risk_adapter', spender: ADAPTER, amount: 'neg_risk_adapter' in over ? over.neg_risk_adapter! : MAX },
];

const facts = (over: Partial<PreflightFacts> = {}): PreflightFacts => ({
  setup: null, collateral: usdc('500'), strategies: { count: 2, capital: usdc('100'), cash: usdc('100') },
  allowances: allowances(), ...over,
});

const problemsOf = (f: PreflightFacts) => {
  const r = preflight(f);
  return r.ok ? [] : r.problems;
};

describe('preflight', () => {
  it('is ok with enough collateral and every allowance, and with no live strategy at all', () => {
    expect(preflight(facts())).toEqual({ ok: true });
    expect(preflight(facts({ collateral: usdc('100') }))).toEqual({ ok: true });
    expect(preflight(facts({ collateral: 0n as Usdc, strategies: { count: 0, capital: 0n as Usdc, cash: 0n as Usdc } }))).toEqual({ ok: true });
    expect(preflight(facts({ allowances: null }))).toEqual({ ok: true });
  });

  it('names a set-up failure alone, and it turns trading off', () => {
    const problems = problemsOf(facts({ setup: { code: 'no_private_key', detail: 'POLYMARKET_PRIVATE_KEY is not set' }, collateral: 0n as Usdc }));
    expect(problems).toEqual([{ code: 'no_private_key', severity: 'off', message: 'POLYMARKET_PRIVATE_KEY is not set' }]);
    expect(venueStateOf(problems)).toBe('off');
  });

  it('names a collateral shortfall against the capital of the live strategies', () => {
    const problems = problemsOf(facts({ collateral: usdc('40') }));
    expect(problems).toEqual([{ code: 'collateral_short', severity: 'degraded', message: 'collateral 40.00 USDC < capital 100.00 USDC of 2 live strategies' }]);
    expect(venueStateOf(problems)).toBe('degraded');
    expect(problemsOf(facts({ collateral: usdc('5'), strategies: { count: 1, capital: usdc('10'), cash: usdc('10') } }))[0]!.message)
      .toBe('collateral 5.00 USDC < capital 10.00 USDC of 1 live strategy');
  });

  it('compares with the cash the strategies hold once they have traded, and shows micro-units when cents look equal', () => {
    const traded = { count: 1, capital: usdc('100'), cash: usdc('60') };
    expect(preflight(facts({ collateral: usdc('60'), strategies: traded }))).toEqual({ ok: true });
    expect(problemsOf(facts({ collateral: usdc('59.999999'), strategies: traded }))[0]!.message)
      .toBe('collateral 59.999999 USDC < cash 60.000000 USDC of 1 live strategy (capital 100.00 USDC)');
  });

  it('names each missing allowance with its spender', () => {
    const problems = problemsOf(facts({ allowances: allowances({ neg_risk_exchange: 0n, neg_risk_adapter: null }) }));
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['allowance_missing', `no collateral allowance for the neg-risk exchange ${NEG_RISK_EXCHANGE}`],
      ['allowance_missing', `no collateral allowance for the neg-risk adapter ${ADAPTER}`],
    ]);
    expect(venueStateOf(problems)).toBe('degraded');
  });

  it('names an allowance smaller than what the strategies may spend, and ignores it with no strategy', () => {
    const short = facts({ allowances: allowances({ exchange: usdc('50') }) });
    expect(problemsOf(short).map((p) => p.message))
      .toEqual([`collateral allowance 50.00 USDC for the CTF exchange ${EXCHANGE} < 100.00 USDC the live strategies may spend`]);
    expect(preflight({ ...short, strategies: { count: 0, capital: 0n as Usdc, cash: 0n as Usdc } })).toEqual({ ok: true });
  });

  it('lists every problem at once, collateral first', () => {
    const problems = problemsOf(facts({ collateral: usdc('1'), allowances: allowances({ exchange: 0n }) }));
    expect(problems.map((p) => p.code)).toEqual(['collateral_short', 'allowance_missing']);
    expect(venueStateOf([])).toBe('ready');
  });
});
