/**
 * Hostile JSON bodies for bench/fuzz/json.ts: a valid body built from a route's OpenAPI schema (so a new route is
 * covered without anyone writing a seed for it), then one mutation at a random place in it. Seeded, so a run
 * that finds a 500 can be replayed.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface Schema {
  type?: string;
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: Json[];
  format?: string;
  example?: Json;
  default?: Json;
  minimum?: number;
}

/** Values a valid request uses for fields of these names: ids and slugs that exist in the bench's tenant. */
export interface Known {
  modelId: string;
  platform: string;
  node: string;
}

let slugSeq = 0;

/**
 * Valid bodies of the routes that exist today, the same shapes the e2e specs send: schema-built bodies rarely
 * satisfy the rules between fields (network or networkId, scale or calibration). A route not listed gets one
 * built from its schema.
 */
export function seedBodies(known: Known): Record<string, Json[]> {
  const tiers = [
    { name: 'end', platform: known.platform },
    { name: 'edge', platform: 'edge-box' },
  ];
  const network = { tiers, links: [{ uplinkMbps: 2, downlinkMbps: 10, rttMs: 20 }] };
  return {
    '/v1/plans': [
      { modelId: known.modelId, network },
      {
        modelId: known.modelId,
        network: { tiers, links: [{ preset: '4g' }] },
        transferDtype: 'int8',
        inputBytes: 1000,
        pinToEnd: [known.node],
        bandwidth: { link: 1, fromMbps: 0.5, toMbps: 50 },
      },
    ],
    '/v1/networks': [network, { name: 'n', tiers: [tiers[0]], links: [] }],
    '/v1/platforms': [
      { slug: 'SLUG', name: 'a phone', kind: 'cpu', description: 'd' },
      { slug: 'SLUG', name: 'slower', derivedFrom: known.platform, scale: 2 },
      {
        slug: 'SLUG',
        name: 'fitted',
        derivedFrom: known.platform,
        calibration: [{ modelId: known.modelId, totalMs: 3 }],
      },
    ],
    '/v1/platforms/{slug}/measurements': [
      { modelId: known.modelId, nodes: [{ node: known.node, medianUs: 10, p10Us: 9, p90Us: 11, runs: 5 }] },
    ],
    '/v1/predictions': [{ modelId: known.modelId, platform: known.platform }],
    '/v1/platforms/{slug}/profile': [{ modelId: known.modelId, runs: 2, warmup: 0 }],
  };
}

/** A fresh slug for each body that creates something named. */
export function freshSlugs(body: Json): Json {
  return JSON.parse(JSON.stringify(body).replaceAll('"SLUG"', () => `"fuzz-${(slugSeq++).toString(36)}"`));
}

/** A body satisfying the schema alone: every required field, each optional one half the time. */
export function validBody(
  schema: Schema,
  components: Record<string, Schema>,
  known: Known,
  rand: () => number,
  name = '',
): Json {
  const s = resolve(schema, components);
  if (name === 'modelId') return known.modelId;
  if (name === 'platform' || name === 'derivedFrom') return known.platform;
  if (name === 'node') return known.node;
  if (name === 'slug' || name === 'tenant') return `fuzz-${(slugSeq++).toString(36)}`;
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  switch (s.type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        if (s.required?.includes(key) || rand() < 0.5) out[key] = validBody(prop, components, known, rand, key);
      }
      return out;
    }
    case 'array':
      return s.items ? [validBody(s.items, components, known, rand, name)] : [];
    case 'number':
    case 'integer':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return s.format === 'uuid' ? known.modelId : 'x';
  }
}

function resolve(schema: Schema, components: Record<string, Schema>): Schema {
  if (schema.$ref) return resolve(components[schema.$ref.split('/').pop()!], components);
  if (schema.allOf?.length) return { ...resolve(schema.allOf[0], components), ...schema, allOf: undefined };
  if (schema.oneOf?.length) return resolve(schema.oneOf[0], components);
  return schema;
}

const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** The hostile values, as JSON text (some cannot be built as JS values and serialised: `__proto__`, depth). */
export const HOSTILE: { kind: string; text: (rand: () => number) => string }[] = [
  { kind: 'null', text: () => 'null' },
  { kind: 'wrong type: string', text: () => '"12"' },
  { kind: 'wrong type: number', text: () => '42' },
  { kind: 'wrong type: bool', text: () => 'true' },
  { kind: 'wrong type: array', text: () => '[]' },
  { kind: 'wrong type: object', text: () => '{}' },
  {
    kind: 'huge number',
    text: (r) => ['1e308', '-1e308', '3e9', '1e20', '9007199254740993', '-1'][Math.floor(r() * 6)],
  },
  { kind: 'tiny number', text: (r) => ['1e-320', '5e-324', '-0', '0'][Math.floor(r() * 4)] },
  {
    kind: '10k-element array',
    text: (r) => JSON.stringify(Array.from({ length: 10_000 }, () => (r() < 0.5 ? 1 : 'x'))),
  },
  { kind: '10k-element object array', text: () => `[${Array(10_000).fill('{"node":"x","medianUs":1}').join(',')}]` },
  { kind: 'deep nesting', text: (r) => nested([40, 500, 5000][Math.floor(r() * 3)]) },
  { kind: '__proto__ key', text: () => '{"__proto__":{"isAdmin":true,"scale":1e308}}' },
  { kind: 'constructor key', text: () => '{"constructor":{"prototype":{"x":1}}}' },
  { kind: 'long string', text: (r) => JSON.stringify('a'.repeat([1_000, 100_000, 4_000_000][Math.floor(r() * 3)])) },
  { kind: 'NUL', text: () => '"a\\u0000b"' },
  { kind: 'lone surrogate', text: (r) => (r() < 0.5 ? '"\\ud800"' : '"x\\udfffy"') },
  { kind: 'unicode', text: () => '"π-☃-😀"' },
];

/** Every place in a value where a mutation can go, as key paths. */
function places(value: Json, path: (string | number)[] = []): (string | number)[][] {
  const out = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...places(v, [...path, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...places(v, [...path, k]));
  return out;
}

const PLACEHOLDER = '"\u0001HOSTILE\u0001"';

/** One hostile body: the valid one with a value replaced, or a key added, or the whole body replaced. */
export function mutate(valid: Json, rand: () => number): { text: string; kind: string; at: string } {
  const hostile = HOSTILE[Math.floor(rand() * HOSTILE.length)];
  const all = places(valid);
  const path = all[Math.floor(rand() * all.length)];
  const body: Json = JSON.parse(JSON.stringify(valid));
  const at = path.join('.') || '(body)';
  const target = path.reduce<Json>((v, step) => (v as Record<string | number, Json>)[step], body);
  if (rand() < 0.2 && target && typeof target === 'object' && !Array.isArray(target)) {
    target.extra = PLACEHOLDER; // an unknown key
    return finish(body, hostile, rand, `${at}.extra`);
  }
  if (path.length === 0) return { text: hostile.text(rand), kind: hostile.kind, at };
  const parent = path.slice(0, -1).reduce<Json>((v, step) => (v as Record<string | number, Json>)[step], body);
  (parent as Record<string | number, Json>)[path[path.length - 1]] = PLACEHOLDER;
  return finish(body, hostile, rand, at);
}

function finish(body: Json, hostile: (typeof HOSTILE)[number], rand: () => number, at: string) {
  const text = hostile.text(rand);
  return { text: JSON.stringify(body).replace(JSON.stringify(PLACEHOLDER), () => text), kind: hostile.kind, at };
}
