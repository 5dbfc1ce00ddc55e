import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

describe('security headers and CORS (e2e)', () => {
  describe('defaults', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
      await new Promise<void>((resolve) => t.server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => t.close());

    it('sends helmet headers and no CORS headers when CORS_ORIGINS is unset', async () => {
      const res = await api(t).get('/health').set('Origin', 'https://evil.example').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await api(t)
        .options('/v1/models')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('keeps Swagger UI at /docs working under the content security policy (headless Chromium)', async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`);
      }
      const { port } = t.server.address() as AddressInfo;
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage();
        const violations: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') violations.push(m.text());
        });
        page.on('pageerror', (e) => violations.push(e.message));
        await page.goto(`http://127.0.0.1:${port}/docs`);
        // Swagger UI renders one block per operation once its scripts ran and it fetched /docs-json.
        await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
        expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
        expect(await page.locator('.info .title').first().textContent()).toMatch(/tiersplit/);
        expect(violations.filter((v) => /Content Security Policy|Refused to/i.test(v))).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });

  describe('CORS_ORIGINS set', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ CORS_ORIGINS: 'https://app.example,https://admin.example' });
    });
    afterAll(() => t.close());

    it('allows the listed origins, with the headers a browser client needs, and no others', async () => {
      const { key } = await createTenantKey(t, 'cors');
      const preflight = await api(t)
        .options('/v1/models')
        .set('Origin', 'https://app.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
      const res = await api(t).get('/v1/models').set(bearer(key)).set('Origin', 'https://admin.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('https://admin.example');
      expect(res.headers['access-control-expose-headers']).toMatch(/Retry-After/);
      const stranger = await api(t).get('/v1/models').set(bearer(key)).set('Origin', 'https://evil.example');
      expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
