/** A rehearsal's defaults, in a module of their own: the CLI's options and help read them without loading the rehearsal */

/** The FT strategies a rehearsal mirrors by default, one LT strategy each per wallet */
export const DEFAULT_STRATEGIES = ['FT_T1_BASELINE', 'FT_T1_PURE_EDGE', 'FT_T1_PURE_WR'];
/** Wallets a rehearsal trades by default (the process's own and one user's linked wallet), and at most */
export const DEFAULT_WALLETS = 2;
export const MAX_WALLETS = 5;
