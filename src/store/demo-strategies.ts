/** The original's named strategies (spec ft-original.md §6) as operator input, for demo seeding */
import type { AllocationMethod, FtWalletInputJson } from '../domain/ft-wallet.ts';

/*
 * Not transcribed:
 * - TRADER_WBS, TRADER_WEFLYHIGH, TRADER_SPARKLY, TRADER_KCH123 and CURSOR_TRADER_STALKER (which follows
 *   WBS, FEATHER and WEFLYHIGH): no address known; only TRADER_FEATHER's address is given.
 * - ALPHA_CONSERVATIVE/OPTIMIZER/EXPLORER: LLM-agent-managed, parameters not specified.
 * - T3_* niche bots: their "top 5 traders of the niche" lists and keyword sets are not specified.
 * - T0_CONTROL: not specified beyond "unfiltered". FT_CONV_* and FT_UH_*: not specified (docs only).
 * - *_PROFILE mirrors: wr_source 'PROFILE' is unsupported (only GLOBAL win rates are computed).
 */

type Band = [string, string];
type Extra = Omit<Partial<FtWalletInputJson>, 'wallet_id' | 'description' | 'thesis_tier'>;

/** One catalogue row in the table's own column names; unlisted columns take the §6 defaults */
interface Row extends Extra {
  tier: string;
  desc: string;
  ml: boolean;
  /** ML=Y: minimum model probability; ML=N: minimum trader win rate */
  thr?: string;
  px?: Band;
  edge?: string;
  n?: number;
  conv?: string;
  alloc?: AllocationMethod;
  kelly?: string;
  bets: Band;
  bet?: string;
}

function row(id: string, r: Row): FtWalletInputJson {
  const { tier, desc, ml, thr, px = ['0', '1'], edge = '0', n = 30, conv = '0', alloc = 'FIXED', kelly, bets, bet = '1.20',
    ...extra } = r;
  return {
    wallet_id: id,
    description: desc,
    thesis_tier: tier,
    starting_balance: '1000',
    use_model: ml,
    model_threshold: ml ? (thr ?? null) : null,
    // The original read model_threshold as the minimum trader WR when use_model was off
    ...(!ml && thr !== undefined ? { min_trader_win_rate: thr } : {}),
    price_min: px[0],
    price_max: px[1],
    min_edge: edge,
    min_trader_resolved_count: n,
    min_conviction: conv,
    allocation_method: alloc,
    ...(kelly !== undefined ? { kelly_fraction: kelly } : {}),
    min_bet: bets[0],
    max_bet: bets[1],
    bet_size: bet,
    ...extra,
  };
}

const SPORTS = ['SPORTS', 'NBA', 'NFL', 'MLB', 'NHL', 'SOCCER', 'TENNIS', 'MMA'];
const CRYPTO = ['CRYPTO', 'BITCOIN', 'ETHEREUM', 'DEFI'];
const POLITICS = ['POLITICS', 'ELECTIONS', 'POLICY'];
const FINANCE = ['FINANCE', 'STOCKS', 'ECONOMY', 'FED'];
/** FT_LEARNINGS_NO_CRYPTO's 13-keyword whitelist, reused by the ML context family */
const NO_CRYPTO = [
  'SPORTS', 'POLITICS', 'FINANCE', 'ELECTIONS', 'WEATHER', 'CULTURE', 'SCIENCE', 'ENTERTAINMENT',
  'NBA', 'NFL', 'MLB', 'NHL', 'SOCCER',
];
/** FT_TOP_7D_ML55_NO_CRYPTO's own 9-keyword whitelist, lower case as written */
const ROTATION_NO_CRYPTO = [
  'politics', 'sports', 'finance', 'entertainment', 'science', 'weather', 'tech', 'elections', 'culture',
];

const B05_5: Band = ['0.5', '5'];
const B05_8: Band = ['0.5', '8'];
const B05_10: Band = ['0.5', '10'];
const B1_15: Band = ['1', '15'];
const B05_3: Band = ['0.5', '3'];
const B5_25: Band = ['5', '25'];

type Spec = Omit<Row, 'tier' | 'desc'>;
/** A family's row helper: its tier, and a description prefixed with the family's label */
const family = (tier: string, label: string, base: Partial<Row> = {}) =>
  (id: string, desc: string, r: Spec) => row(id, { tier, desc: `${label}: ${desc}`, ...base, ...r });
/** For the tables without a notes column: the description is the id's tail, e.g. "sharp shooter" */
const named = (tier: string, label: string, prefix: string, base: Partial<Row> = {}) =>
  (id: string, r: Partial<Spec>) =>
    row(id, { tier, desc: `${label}: ${id.slice(prefix.length).toLowerCase().replaceAll('_', ' ')}`, ml: true, bets: B05_10,
      ...base, ...r });

const original = family('SPECIAL', 'Original');
const t1 = family('T1_SINGLE', 'Thesis T1');
const t2 = family('T2_PRICE', 'Thesis T2');
const t3 = family('T3_MARKET', 'Thesis T3');
const t4 = family('T4_COMPOUND', 'Thesis T4');
const t5 = family('T5_ANTI', 'Thesis T5');
const special = family('SPECIAL', 'Special');
const learn = family('FT_LEARNINGS', 'Learnings');
const mlMix = named('ML_MIX', 'ML mix', 'FT_ML_');
const live = named('LIVE', 'Live only', 'FT_LIVE_', { trade_live_only: true });
/** All six share px .10–.80, edge 0, n 10 and a target list the daily cron refills (empty = anyone); no 10-year window */
const rotation = family('ROTATION', 'Rotation', { px: ['0.10', '0.80'], edge: '0', n: 10, target_traders: [] });
/** ML=Y, thr .60, edge .05, CONVICTION, bets 0.5–15 and n 30 unless the row says otherwise */
const ctx = named('ML_CTX', 'ML context', 'FT_ML_CTX_',
  { thr: '0.60', edge: '0.05', n: 30, alloc: 'CONVICTION', bets: ['0.5', '15'] });
/** ML=Y, thr .55, CONVICTION; n and bet_size are not stated, so the defaults 30 and 1.20 */
const cursor = family('CURSOR_ALPHA', 'Cursor alpha', { thr: '0.55', alloc: 'CONVICTION' });

const K: AllocationMethod = 'KELLY';
const CONV: AllocationMethod = 'CONVICTION';

export const DEMO_STRATEGIES: FtWalletInputJson[] = [
  // Original six (20260207). FT_HIGH_CONVICTION and FT_UNDERDOG_HUNTER were paused later; seeded active here
  original('FT_HIGH_CONVICTION', 'prices under 50¢ (the claimed 95% WR is not enforced)',
    { ml: false, px: ['0', '0.50'], bets: B05_10 }),
  original('FT_MODEL_BALANCED', 'ML 0.50 with a small edge', { ml: true, thr: '0.50', edge: '0.05', bets: B05_10 }),
  original('FT_UNDERDOG_HUNTER', 'ML underdogs under 50¢',
    { ml: true, thr: '0.50', px: ['0', '0.50'], edge: '0.05', bets: B05_10 }),
  // thr is '–' in the seed; the 0.60 WR floor existed only in the docs
  original('FT_FAVORITE_GRINDER', 'favourites at 50–90¢', { ml: false, px: ['0.50', '0.90'], edge: '0.03', bets: B05_10 }),
  original('FT_SHARP_SHOOTER', 'ML, edge and conviction with half Kelly', {
    ml: true, thr: '0.55', px: ['0.10', '0.70'], edge: '0.10', n: 50, conv: '1.5', alloc: K, kelly: '0.50',
    bets: ['2', '50'], bet: '5',
  }),
  original('FT_MODEL_ONLY', 'ML 0.55 alone', { ml: true, thr: '0.55', bets: B05_10 }),

  // Thesis tiers (20260209)
  t1('FT_T1_BASELINE', 'control group', { ml: false, bets: B05_5 }),
  t1('FT_T1_PURE_WR', 'trader win rate only', { ml: false, thr: '0.65', n: 50, bets: B05_5 }),
  t1('FT_T1_PURE_EDGE', 'edge only', { ml: false, edge: '0.15', bets: B05_5 }),
  t1('FT_T1_PURE_CONV', 'conviction only', { ml: false, conv: '2.0', bets: B05_5 }),
  t1('FT_T1_PURE_ML', 'ML only', { ml: true, thr: '0.60', n: 10, bets: B05_5 }),
  t1('FT_T1_EXPERIENCE', 'experienced traders only', { ml: false, n: 200, bets: B05_5 }),
  t2('FT_T2_CONTRARIAN', 'contrarian prices with Kelly',
    { ml: false, px: ['0.10', '0.40'], edge: '0.05', alloc: K, kelly: '0.25', bets: B05_8 }),
  t2('FT_T2_MIDRANGE', 'mid-range prices with Kelly',
    { ml: false, px: ['0.30', '0.70'], edge: '0.05', alloc: K, kelly: '0.25', bets: B05_8 }),
  t2('FT_T2_FAVORITES', 'favourites with Kelly',
    { ml: false, px: ['0.60', '0.90'], edge: '0.03', alloc: K, kelly: '0.25', bets: B05_8 }),
  t2('FT_T2_LONGSHOTS', 'longshots with a small Kelly',
    { ml: false, px: ['0', '0.25'], edge: '0.05', alloc: K, kelly: '0.15', bets: B05_5 }),
  t2('FT_T2_HEAVY_FAV', 'heavy favourites with Kelly',
    { ml: false, px: ['0.75', '0.95'], edge: '0.02', alloc: K, kelly: '0.25', bets: B05_10 }),
  t3('FT_T3_SPORTS', 'sports markets',
    { ml: false, edge: '0.05', conv: '1.5', alloc: K, kelly: '0.25', bets: B05_8, market_categories: SPORTS }),
  t3('FT_T3_CRYPTO', 'crypto markets',
    { ml: false, edge: '0.10', alloc: K, kelly: '0.25', bets: B05_8, market_categories: CRYPTO }),
  t3('FT_T3_POLITICS', 'politics markets with ML',
    { ml: true, thr: '0.55', edge: '0.05', alloc: K, kelly: '0.25', bets: B05_8, market_categories: POLITICS }),
  t3('FT_T3_FINANCE', 'finance markets from traders with WR 0.60',
    { ml: false, thr: '0.60', edge: '0.05', n: 50, alloc: K, kelly: '0.25', bets: B05_8, market_categories: FINANCE }),
  t4('FT_T4_WR_CONV', 'win rate and conviction',
    { ml: false, thr: '0.60', n: 50, conv: '1.5', alloc: K, kelly: '0.35', bets: B1_15 }),
  t4('FT_T4_ML_EDGE', 'ML and edge', { ml: true, thr: '0.55', edge: '0.10', alloc: K, kelly: '0.35', bets: B1_15 }),
  t4('FT_T4_CONTR_CONV', 'contrarian prices and conviction (best non-ML bot)',
    { ml: false, px: ['0.10', '0.40'], edge: '0.05', conv: '2.0', alloc: K, kelly: '0.30', bets: ['1', '12'] }),
  t4('FT_T4_FAV_WR', 'favourites from high-WR traders',
    { ml: false, thr: '0.65', px: ['0.60', '0.90'], edge: '0.03', n: 50, alloc: K, kelly: '0.35', bets: B1_15 }),
  t4('FT_T4_TRIPLE', 'win rate, edge and conviction',
    { ml: false, thr: '0.60', edge: '0.08', n: 50, conv: '1.5', alloc: K, kelly: '0.40', bets: ['2', '20'] }),
  t4('FT_T4_FULL_STACK', 'every filter stacked (the claimed WR 60% is not enforced)', {
    ml: true, thr: '0.55', px: ['0.20', '0.70'], edge: '0.10', n: 50, conv: '1.5', alloc: K, kelly: '0.50',
    bets: ['2', '30'],
  }),
  t5('FT_T5_LOW_WR', 'anti, low-WR traders only', { ml: false, bets: B05_3, max_trader_win_rate: '0.50' }),
  t5('FT_T5_LOW_CONV', 'anti, low-conviction trades only', { ml: false, bets: B05_3, max_conviction: '0.5' }),
  // A floor, as in the original: it admits every edge from −0.10 up, not only negative ones
  t5('FT_T5_NEG_EDGE', 'anti, edge floor −0.10', { ml: false, edge: '-0.10', bets: B05_3 }),
  t5('FT_T5_RANDOM', 'anti, near-random copying', { ml: false, n: 5, bets: B05_3 }),
  // Bug B8: the original ignored these two wallets' original-trade USD columns; our schema honours them
  special('FT_S_WHALE', 'copies only trades of $100 or more',
    { ml: false, edge: '0.05', alloc: K, kelly: '0.30', bets: B1_15, min_original_trade_usd: '100' }),
  special('FT_S_MICRO', 'copies only trades of $10 or less',
    { ml: false, edge: '0.05', bets: ['0.5', '2'], max_original_trade_usd: '10' }),
  special('FT_S_KELLY_AGG', 'full Kelly',
    { ml: false, thr: '0.60', edge: '0.10', n: 50, conv: '1.5', alloc: K, kelly: '1.0', bets: ['1', '100'] }),
  special('FT_S_EDGE_SCALE', 'edge-scaled bets', { ml: false, edge: '0.05', alloc: 'EDGE_SCALED', bets: ['0.5', '20'] }),

  // Learnings (20260208)
  learn('FT_LEARNINGS_SWEET_SPOT', 'the 20–40¢ sweet spot with ML',
    { ml: true, thr: '0.55', px: ['0.20', '0.40'], edge: '0.05', alloc: K, kelly: '0.25', bets: B05_8 }),
  learn('FT_LEARNINGS_CONV_3X', 'conviction 3x',
    { ml: false, px: ['0.10', '0.50'], edge: '0.05', conv: '3.0', alloc: K, kelly: '0.30', bets: ['1', '12'] }),
  learn('FT_LEARNINGS_NO_CRYPTO', 'no crypto (category whitelist)', {
    ml: true, thr: '0.55', px: ['0', '0.50'], edge: '0.05', alloc: K, kelly: '0.25', bets: B05_8,
    market_categories: NO_CRYPTO,
  }),
  learn('FT_LEARNINGS_ML_60', 'ML 0.60 with conviction',
    { ml: true, thr: '0.60', edge: '0.05', conv: '1.5', alloc: K, kelly: '0.25', bets: B05_8 }),

  // ML mix (20260210): all ML=Y
  mlMix('FT_ML_SHARP_SHOOTER', { thr: '0.55', conv: '1.5', alloc: K, kelly: '0.40', bets: ['15', '75'] }),
  mlMix('FT_ML_UNDERDOG', { thr: '0.55', px: ['0', '0.50'], edge: '0.05', alloc: K, kelly: '0.30', bets: B05_8 }),
  mlMix('FT_ML_FAVORITES', { thr: '0.55', px: ['0.60', '0.90'], edge: '0.03', alloc: K, kelly: '0.25', bets: B05_8 }),
  mlMix('FT_ML_HIGH_CONV', { thr: '0.55', conv: '2.0', bets: B05_5 }),
  mlMix('FT_ML_EDGE', { thr: '0.55', edge: '0.05', alloc: K, kelly: '0.35', bets: B1_15 }),
  mlMix('FT_ML_MIDRANGE', { thr: '0.55', px: ['0.25', '0.75'], edge: '0.05', alloc: K, kelly: '0.30', bets: B05_10 }),
  mlMix('FT_ML_STRICT', { thr: '0.65', n: 10, alloc: K, kelly: '0.35', bets: ['1', '20'] }),
  mlMix('FT_ML_LOOSE', { thr: '0.50', n: 10, alloc: K, kelly: '0.25', bets: B05_8 }),
  mlMix('FT_ML_CONTRARIAN', { thr: '0.55', px: ['0.10', '0.40'], edge: '0.05', alloc: K, kelly: '0.30', bets: ['0.5', '12'] }),
  mlMix('FT_ML_HEAVY_FAV', { thr: '0.55', px: ['0.75', '0.95'], edge: '0.02', alloc: K, kelly: '0.25', bets: B05_10 }),

  // Live only (20260214): all trade_live_only; ML=Y except FT_LIVE_WR_ONLY
  live('FT_LIVE_MODEL_ONLY', { thr: '0.55', alloc: K, kelly: '0.25', bets: B05_10 }),
  live('FT_LIVE_UNDERDOGS', { thr: '0.55', px: ['0', '0.50'], edge: '0.05', alloc: K, kelly: '0.30', bets: B05_8 }),
  live('FT_LIVE_FAVORITES', { thr: '0.55', px: ['0.60', '0.90'], edge: '0.03', alloc: K, kelly: '0.25', bets: B05_8 }),
  live('FT_LIVE_HIGH_CONV', { thr: '0.55', conv: '2.0', bets: B05_5 }),
  live('FT_LIVE_SHARP_SHOOTER', { thr: '0.55', conv: '1.5', alloc: K, kelly: '0.40', bets: ['15', '75'] }),
  live('FT_LIVE_MIDRANGE', { thr: '0.55', px: ['0.25', '0.75'], edge: '0.05', alloc: K, kelly: '0.30', bets: B05_10 }),
  live('FT_LIVE_WR_ONLY', { ml: false, thr: '0.60', edge: '0.05', alloc: K, kelly: '0.30', bets: B05_10 }),
  live('FT_LIVE_EDGE_HUNTER', { thr: '0.55', edge: '0.10', alloc: K, kelly: '0.35', bets: B1_15 }),
  live('FT_LIVE_CONTRARIAN', { thr: '0.55', px: ['0.10', '0.40'], edge: '0.05', alloc: K, kelly: '0.30', bets: ['0.5', '12'] }),
  live('FT_LIVE_HEAVY_FAV', { thr: '0.55', px: ['0.75', '0.95'], edge: '0.02', alloc: K, kelly: '0.25', bets: B05_10 }),

  // Rotation (20260220)
  rotation('FT_TOP_DAILY_WINNERS', 'top 10 by 1-day PnL', { ml: false, alloc: CONV, bet: '8', bets: B5_25 }),
  rotation('FT_TOP_7D_WINNERS', 'top 10 by 7-day PnL', { ml: false, alloc: CONV, bet: '8', bets: B5_25 }),
  rotation('FT_TOP_DAILY_ML55', '1-day winners with ML 0.55', { ml: true, thr: '0.55', alloc: CONV, bet: '8', bets: B5_25 }),
  rotation('FT_TOP_DAILY_ML60_KELLY', '1-day winners with ML 0.60 and Kelly',
    { ml: true, thr: '0.60', alloc: K, kelly: '0.25', bet: '1.2', bets: B05_8 }),
  rotation('FT_TOP_7D_ML55_NO_CRYPTO', '7-day winners with ML 0.55, no crypto',
    { ml: true, thr: '0.55', alloc: CONV, bet: '8', bets: B5_25, market_categories: ROTATION_NO_CRYPTO }),
  rotation('FT_TOP_7D_FIXED', '7-day winners, fixed $8', { ml: false, bet: '8', bets: ['8', '8'] }),

  // ML sweep (20260327)
  ...['50', '55', '60', '65', '70'].map((p) => row(`FT_ML_SWEEP_${p}`, {
    tier: 'ML_SWEEP', desc: `ML sweep: threshold 0.${p}`, ml: true, thr: `0.${p}`, n: 10, alloc: CONV, bets: ['0.5', '15'],
  })),

  // ML context (20260328); the "sports list" is read as FT_T3_SPORTS's keywords
  ctx('FT_ML_CTX_SWEET_SPOT', { px: ['0.20', '0.40'] }),
  ctx('FT_ML_CTX_NO_CRYPTO', { market_categories: NO_CRYPTO }),
  ctx('FT_ML_CTX_LIVE', { trade_live_only: true }),
  ctx('FT_ML_CTX_SPORTS', { px: ['0.20', '0.70'], market_categories: SPORTS }),
  ctx('FT_ML_CTX_POLITICS', { market_categories: POLITICS }),
  ctx('FT_ML_CTX_ML_SCALED', { px: ['0.20', '0.40'], alloc: 'ML_SCALED' }),
  ctx('FT_ML_CTX_65_NO_CRYPTO', { thr: '0.65', market_categories: NO_CRYPTO }),
  ctx('FT_ML_CTX_NO_CRYPTO_3X', { px: ['0.20', '0.40'], conv: '3.0', market_categories: NO_CRYPTO }),
  ctx('FT_ML_CTX_FAVORITES', { px: ['0.55', '0.85'] }),
  ctx('FT_ML_CTX_AB_FIXED', { px: ['0.20', '0.40'], alloc: 'FIXED', bets: ['1', '10'] }),
  ctx('FT_ML_CTX_AB_KELLY', { px: ['0.20', '0.40'], alloc: K, kelly: '0.25' }),

  // CURSOR_* (scripts). Their "noCrypto" whitelist of 10 lowercase categories is not listed, so none is set
  cursor('CURSOR_WHALE_WHISPERER', 'high-conviction whales',
    { ml: true, px: ['0.15', '0.70'], edge: '0.03', conv: '3.0', bets: ['8', '35'] }),
  cursor('CURSOR_FAV_SCALPER', 'favourite scalping', { ml: true, px: ['0.60', '0.85'], edge: '0.02', bets: ['5', '20'], bet: '5' }),
  cursor('CURSOR_CONTRARIAN_SNIPER', 'contrarian sniping',
    { ml: true, px: ['0.10', '0.55'], edge: '0.03', conv: '2.0', bets: ['8', '30'] }),
  cursor('CURSOR_SWEET_SPOT', 'traders with WR 0.55–0.65', {
    ml: true, px: ['0.55', '0.80'], edge: '0', conv: '2.0', bets: ['10', '40'],
    min_trader_win_rate: '0.55', max_trader_win_rate: '0.65',
  }),

  // Single-trader mirror; the catalogue gives no sizing, so FIXED at the defaults: bet_size 1.20, bets 0.5–10
  row('TRADER_FEATHER', {
    tier: 'SPECIAL', desc: 'Trader mirror: FEATHER', ml: false, bets: B05_10, bypass_filters: true,
    target_traders: ['0x113d4c0b5a6702ab045ea2cba7c3f71d51fc3ce8'], target_trader_name: 'FEATHER',
  }),
];
