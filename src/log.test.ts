// @backend-independent
import { describe, expect, it } from 'vitest';
import { childLog, createLog } from './log.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLog('info', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) };
}

describe('JSON log', () => {
  it('masks values named like secrets, prints bigints and errors as text', () => {
    const { lines, log } = capture();
    log.info('x', { api_key: 'k', passphrase: 'p', privateKey: '0xabc', authorization: 'Bearer t', amount: 5n, error: new Error('boom'), n: 1 });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'x', api_key: '[redacted]', passphrase: '[redacted]', privateKey: '[redacted]',
      authorization: '[redacted]', amount: '5', error: 'boom', n: 1 });
    expect(JSON.stringify(lines)).not.toMatch(/0xabc|Bearer t/);
  });

  it('a child log adds its fields to every line at every level, redacted like the line\'s own', () => {
    const { lines, log } = capture();
    const child = childLog(log, { trace_id: 't1', secret: 's3cr3t' });
    child.info('a', { n: 1 });
    child.warn('b');
    childLog(child, { order: 'o1' }).error('c', { trace_id: 'own' });
    expect(lines.map((l) => [l.level, l.msg, l.trace_id, l.secret, l.order])).toEqual([
      ['info', 'a', 't1', '[redacted]', undefined], ['warn', 'b', 't1', '[redacted]', undefined], ['error', 'c', 'own', '[redacted]', 'o1']]);
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });

  it('drops lines below its level', () => {
    const lines2: string[] = [];
    const quiet = createLog('warn', (l) => lines2.push(l));
    childLog(quiet, { trace_id: 't' }).info('dropped');
    childLog(quiet, { trace_id: 't' }).warn('kept');
    expect(lines2.map((l) => JSON.parse(l).msg)).toEqual(['kept']);
  });
});
