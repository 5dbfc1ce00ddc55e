import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset', withCode('ECONNRESET')],
    ['admin shutdown (a restart)', withCode('57P01', 'terminating connection due to administrator command')],
    ['cannot connect now', withCode('57P03')],
    ['connection exception class 08', withCode('08006')],
    ['too many connections', withCode('53300')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['broken connection', new Error('Connection terminated unexpectedly')],
    ['wrapped by TypeORM', new QueryFailedError('SELECT 1', [], withCode('57P01'))],
    ['as a cause', new Error('outer', { cause: withCode('ECONNREFUSED') })],
  ])('%s: unavailable', (_, error) => expect(isDatabaseUnavailable(error)).toBe(true));

  it.each([
    ['unique violation', new QueryFailedError('INSERT', [], withCode('23505'))],
    ['foreign key', withCode('23503')],
    ['syntax error', withCode('42601')],
    ['plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('%s: not unavailable', (_, error) => expect(isDatabaseUnavailable(error)).toBe(false));
});
