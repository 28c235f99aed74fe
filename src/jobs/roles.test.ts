// @backend-independent
import { describe, expect, it } from 'vitest';
import { parseRole, RoleError, runsJobs, servesHttp } from './roles.ts';

describe('tandem start --role', () => {
  it('defaults to all and accepts api, worker and all', () => {
    expect(parseRole(undefined)).toBe('all');
    expect(['api', 'worker', 'all'].map(parseRole)).toEqual(['api', 'worker', 'all']);
    expect([runsJobs('api'), runsJobs('worker'), runsJobs('all')]).toEqual([false, true, true]);
    expect([servesHttp('api'), servesHttp('worker'), servesHttp('all')]).toEqual([true, false, true]);
  });

  it('refuses anything else, saying what is allowed', () => {
    expect(() => parseRole('workers')).toThrow(new RoleError('--role must be one of api, worker, all (got "workers")'));
    expect(() => parseRole('')).toThrow(RoleError);
    expect(() => parseRole(true)).toThrow(/got no value/);
  });
});
