/**
 * The tolerance settings of an LT strategy at the API boundary: the mode, its parameter, and the rules across them
 * and the percentage (slippage_tolerance_pct), which is the dynamic modes' cap (src/domain/tolerance.ts)
 */
import { z } from 'zod';
import { exactDecimalText, parseMicros } from '../domain/money.ts';
import { TOLERANCE_MODES, type ToleranceMode } from '../domain/tolerance.ts';

const MAX_TICKS = 100;
const MAX_MULTIPLE = 100_000000n;

const multiple = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = exactDecimalText(v);
  const dp = text?.split('.')[1]?.length ?? 0;
  const m = text === null || dp > 4 ? null : parseMicros(text);
  if (m === null || m <= 0n || m > MAX_MULTIPLE) {
    ctx.addIssue({ code: 'custom', message: 'tolerance_spread_multiple must be a decimal in (0, 100] with at most 4 decimals' });
    return z.NEVER;
  }
  return m;
});

export const TOLERANCE_FIELDS = {
  tolerance_mode: z.enum(TOLERANCE_MODES, { message: `tolerance_mode must be one of ${TOLERANCE_MODES.join(', ')}` }),
  tolerance_ticks: z.number({ message: 'tolerance_ticks must be a whole number of ticks' })
    .int('tolerance_ticks must be a whole number of ticks')
    .min(1, 'tolerance_ticks must be at least 1').max(MAX_TICKS, `tolerance_ticks must be at most ${MAX_TICKS}`).nullable(),
  tolerance_spread_multiple: multiple.nullable(),
};

export const TOLERANCE_DEFAULTS = {
  tolerance_mode: 'fixed_pct' as ToleranceMode, tolerance_ticks: null as number | null,
  tolerance_spread_multiple: null as bigint | null,
};

export interface ToleranceSettings {
  slippage_tolerance_pct: bigint;
  tolerance_mode: ToleranceMode;
  tolerance_ticks: number | null;
  tolerance_spread_multiple: bigint | null;
}
type Issue = { path: string[]; message: string };

const PARAMETER = { ticks: 'tolerance_ticks', spread: 'tolerance_spread_multiple' } as const;

/**
 * Rules on the merged settings (`after`) and the request (`given`): the mode's parameter is set and no other mode's
 * (it would do nothing), a dynamic mode needs a cap above 0, and choosing a dynamic mode needs the cap in the same
 * request, so the old percentage never silently caps a new mode. `beforeMode` is null at create
 */
export function toleranceIssues(after: ToleranceSettings, given: Partial<ToleranceSettings>,
  beforeMode: ToleranceMode | null): Issue[] {
  const out: Issue[] = [];
  const mode = after.tolerance_mode;
  for (const m of ['ticks', 'spread'] as const) {
    const field = PARAMETER[m];
    const set = after[field] !== null;
    if (mode === m && !set) out.push({ path: [field], message: `tolerance_mode ${m} needs ${field}` });
    if (mode !== m && set) {
      out.push({ path: [field], message: `${field} does nothing unless tolerance_mode is ${m}: send ${field}: null` });
    }
  }
  if (mode === 'fixed_pct') return out;
  if (given.tolerance_mode === mode && beforeMode !== mode && given.slippage_tolerance_pct === undefined) {
    out.push({ path: ['slippage_tolerance_pct'],
      message: `slippage_tolerance_pct is required with tolerance_mode ${mode}: it caps the tolerance (percent of the signal price)` });
  } else if (after.slippage_tolerance_pct <= 0n) {
    out.push({ path: ['slippage_tolerance_pct'], message: `slippage_tolerance_pct must be above 0 with tolerance_mode ${mode}: it caps the tolerance` });
  }
  return out;
}
