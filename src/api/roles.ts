/** Roles at the API: operator-only operations answer 403 to a plain user; the catalogue is read-only for them */
import type { Context } from 'hono';
import type { AppEnv } from './context.ts';
import { problem } from './problem.ts';
import { problemResponse } from './schemas/common.ts';

export const isOperator = (c: Context<AppEnv>): boolean => c.get('user').role === 'operator';

/** The 403 of an operation only an operator may run (the global jobs, the system-wide views) */
export const operatorOnly = (c: Context<AppEnv>) =>
  problem(c, 403, 'Operator only', 'this operation is system-wide: only an operator may run it');

/** The 403 of a plain user's write to a catalogue strategy */
export const catalogueReadOnly = (c: Context<AppEnv>, id: string) =>
  problem(c, 403, 'The catalogue is read-only', `${id} is a catalogue strategy: create your own strategy (POST /api/ft/wallets) to change it`);

export const operatorOnlyResponse = problemResponse('Operator only: refused to a plain user (problem+json)');
