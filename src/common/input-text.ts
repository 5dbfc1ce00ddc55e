/**
 * What a request may carry into the database: PostgreSQL stores no NUL in text or jsonb, and a lone UTF-16
 * surrogate has no UTF-8 form. Both are refused at the edge with the place they were found, instead of failing
 * deep in a write.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any request body of this API; a deeper one only costs recursion further in (validation, storage). */
export const MAX_JSON_DEPTH = 32;

/** Keys that name an object's prototype in JavaScript: never a field of this API, and a hazard for any merge. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

/**
 * The first problem in a parsed JSON value, as `where: what`, or null. Walks with an explicit stack, so a
 * body nested thousands deep is measured without recursing.
 */
export function jsonProblem(value: unknown, root = 'body'): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return `${path} ${problem}`;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `${root} is nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      const keyProblem = FORBIDDEN_KEYS.has(key) ? `is a reserved name` : textProblem(key);
      if (keyProblem) return `key ${JSON.stringify(key)} of ${path} ${keyProblem}`;
      stack.push({ value: (v as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}
