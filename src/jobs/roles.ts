/** What a `tandem start` process does: api serves HTTP and runs no jobs; worker runs jobs and serves no HTTP; all both */
export const ROLES = ['api', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

export class RoleError extends Error {
  override readonly name = 'RoleError';
}

/** The --role flag's value (absent: all); anything else is refused with the values that are allowed */
export function parseRole(value: string | boolean | undefined): Role {
  if (value === undefined) return 'all';
  if (typeof value === 'string' && (ROLES as readonly string[]).includes(value)) return value as Role;
  throw new RoleError(`--role must be one of ${ROLES.join(', ')} (got ${typeof value === 'string' ? JSON.stringify(value) : 'no value'})`);
}

export const runsJobs = (role: Role): boolean => role !== 'api';
export const servesHttp = (role: Role): boolean => role !== 'worker';
