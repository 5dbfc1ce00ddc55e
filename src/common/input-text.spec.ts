import { jsonProblem, MAX_JSON_DEPTH, textProblem } from './input-text';

describe('input text and JSON checks', () => {
  it('refuses NUL and lone surrogates, keeps real Unicode', () => {
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    expect(textProblem('x\ud800')).toMatch(/surrogate/);
    expect(textProblem('\udfffx')).toMatch(/surrogate/);
    expect(textProblem('π ☃ 😀 \ud83d\ude00')).toBeNull();
  });

  it('names where in a body the problem is, keys included', () => {
    expect(jsonProblem({ a: [{ b: 'ok' }, { b: 'no\u0000' }] })).toBe('body.a[1].b contains a NUL character (\\u0000)');
    expect(jsonProblem({ ['k\ud800']: 1 })).toMatch(/^key .* of body contains a lone UTF-16 surrogate/);
    expect(jsonProblem(JSON.parse('{"__proto__": {"admin": true}}'))).toMatch(/"__proto__" of body is a reserved name/);
    expect(jsonProblem({ n: 1e308, s: 'fine', list: Array(10_000).fill(1) })).toBeNull();
  });

  it('measures depth without recursing, so 100,000 levels cost no stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(jsonProblem(deep)).toBe(`body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) ok = [ok];
    expect(jsonProblem(ok)).toBeNull();
  });
});
