/** The one metrics module: every KPI of execution quality and the FT–LT gap, defined once (docs/metrics.md) */
export * from './stats.ts';
export * from './execution.ts';
export * from './quality-score.ts';
export * from './gap.ts';
export * from './targets.ts';
export * from './post-order.ts';
export * from './strategy-quality.ts';
export * from './tolerance-modes.ts';
