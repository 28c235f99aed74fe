/**
 * Test-only injection points of the LT engine. Production never passes hooks; the crash tests
 * (test/crash/) pass one that SIGKILLs the process at a point, to prove that a restart converges
 */

/**
 * - `after_intent`: the intent transaction committed, before `venue.prepare`
 * - `after_submit`: `venue.submit` returned, before its answer is stored (recordSubmitOutcome)
 * - `after_fill`: the tracker read venue fills of ours not booked yet, before any of them is booked (bookFill's transaction)
 * - `mid_settlement`: a position was settled (its transaction committed), before the remaining ones
 * - `after_redeem_record`: a signed redemption was recorded (redeeming, with its hash), before it is sent
 * - `after_redeem_send`: the redemption was sent, before its receipt is read
 */
export type CrashPoint = 'after_intent' | 'after_submit' | 'after_fill' | 'mid_settlement' | 'after_redeem_record'
  | 'after_redeem_send';

export interface LtHooks {
  at(point: CrashPoint): void | Promise<void>;
}
