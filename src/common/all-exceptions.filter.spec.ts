import { ArgumentsHost, BadRequestException, Logger } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';

function host(requestId: string) {
  const res = { headersSent: false, statusCode: 0, body: undefined as unknown } as {
    headersSent: boolean;
    statusCode: number;
    body: unknown;
    status(code: number): typeof res;
    json(body: unknown): typeof res;
  };
  res.status = (code) => ((res.statusCode = code), res);
  res.json = (body) => ((res.body = body), res);
  const req = { requestId, method: 'POST', originalUrl: '/v1/models' };
  const h = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  return { h, res };
}

describe('AllExceptionsFilter', () => {
  afterEach(() => jest.restoreAllMocks());

  it('hides internals of an unexpected error behind a 500, and logs them with the request id', () => {
    const logged: string[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown, stack?: unknown) => {
      logged.push(`${String(message)} ${String(stack)}`);
    });
    const { h, res } = host('req-42');
    new AllExceptionsFilter().catch(new Error('password=hunter2 at db.internal:5432'), h);
    expect(res.statusCode).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.body).toMatchObject({ statusCode: 500, error: 'Internal Server Error', requestId: 'req-42' });
    expect(logged.join('\n')).toMatch(/req-42[\s\S]*hunter2/);
  });

  it('keeps framework HTTP errors and exposed client errors with their status and message', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const a = host('r1');
    new AllExceptionsFilter().catch(new BadRequestException(['tenant must be a string', 'x']), a.h);
    expect(a.res).toMatchObject({ statusCode: 400, body: { message: 'tenant must be a string; x' } });
    const b = host('r2');
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    new AllExceptionsFilter().catch(tooLarge, b.h);
    expect(b.res).toMatchObject({ statusCode: 413, body: { error: 'Payload Too Large' } });
    const c = host('r3');
    const hidden = Object.assign(new Error('internal detail'), { status: 413, expose: false });
    new AllExceptionsFilter().catch(hidden, c.h);
    expect(c.res.statusCode).toBe(500);
  });
});
