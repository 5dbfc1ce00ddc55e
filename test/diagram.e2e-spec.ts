import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { measuredMnistOnThreeTiers, THREE_TIERS } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

// Debian's chromium: CI installs it, and this spec fails (never skips) without it, so a missing browser is seen.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** supertest buffers image/* bodies instead of parsing them: read the SVG as text either way. */
const bodyText = (res: { text?: string; body: unknown }): string =>
  typeof res.text === 'string' && res.text !== '' ? res.text : Buffer.from(res.body as Buffer).toString('utf8');

describe('plan diagram (e2e)', () => {
  let t: TestApp;
  let key: string;
  let planId: string;
  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'diagram')).key;
    const modelId = await measuredMnistOnThreeTiers(t, key);
    planId = (await api(t).post('/v1/plans').set(bearer(key)).send({ modelId, network: THREE_TIERS }).expect(201)).body
      .id;
  });
  afterAll(() => t.close());

  const diagram = (id: string, as = key) => api(t).get(`/v1/plans/${id}/diagram.svg`).set(bearer(as));

  it('serves the plan as an SVG document', async () => {
    const res = await diagram(planId).expect(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = bodyText(res);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('answers 404 for another tenant or an unknown plan, 400 for a malformed id, 401 without a key', async () => {
    const other = await createTenantKey(t, 'diagram-other');
    await diagram(planId, other.key).expect(404);
    await diagram('00000000-0000-4000-8000-000000000000').expect(404);
    await diagram('not-a-uuid').expect(400);
    await api(t).get(`/v1/plans/${planId}/diagram.svg`).expect(401);
  });

  it('draws the tier and link labels in headless Chromium', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run this test`,
      );
    }
    const svg = bodyText(await diagram(planId).expect(200));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      // Any request would be an external resource the diagram must not have.
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
      const texts = page.locator('svg text');
      const labels = await texts.allTextContents();
      for (const name of ['end', 'end-edge', 'edge', 'edge-cloud', 'cloud']) {
        const i = labels.indexOf(name);
        expect({ name, found: i >= 0 }).toEqual({ name, found: true });
        // boundingBox is null for an element not rendered, and has no width when no glyph was drawn.
        const box = await texts.nth(i).boundingBox();
        expect({ name, drawn: (box?.width ?? 0) > 0 && (box?.height ?? 0) > 0 }).toEqual({ name, drawn: true });
      }
      expect(labels.some((l) => /^Plan: [\d.]+ ms end to end$/.test(l))).toBe(true);
      const svgBox = await page.locator('svg').boundingBox();
      expect(svgBox!.width).toBeGreaterThan(600);
      await page.locator('svg').screenshot({ path: join(tmpdir(), 'tiersplit-plan-diagram.png') });
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
