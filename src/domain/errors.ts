/** Errors for broken invariants: a bug or corrupt input, never an expected outcome */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/**
 * A run that finished what it could and failed some of it: `report` says what was done and what failed, so whoever
 * records the failure (the scheduler's job_runs) keeps all of it rather than the message alone
 */
export class PartialFailure extends Error {
  override readonly name = 'PartialFailure';
  constructor(message: string, readonly report: object) {
    super(message);
  }
}
