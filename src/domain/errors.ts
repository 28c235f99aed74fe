/** Errors for broken invariants: a bug or corrupt input, never an expected outcome */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}
