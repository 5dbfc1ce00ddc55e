import { generateApiKey, hashApiKey, lookupOf, verifyApiKey } from './api-key.codec';

describe('api key codec', () => {
  it('generates distinct high-entropy keys', () => {
    const a = generateApiKey();
    expect(a).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(a);
  });

  it('verifies the right key and rejects others', async () => {
    const key = generateApiKey();
    const stored = await hashApiKey(key);
    expect(stored).not.toContain(key);
    await expect(verifyApiKey(key, stored)).resolves.toBe(true);
    await expect(verifyApiKey(key + 'x', stored)).resolves.toBe(false);
    await expect(verifyApiKey(key, 'garbage')).resolves.toBe(false);
  });

  it('salts hashes and derives a stable lookup', async () => {
    const key = 'an-admin-chosen-key-1234';
    expect(await hashApiKey(key)).not.toBe(await hashApiKey(key));
    expect(lookupOf(key)).toBe(lookupOf(key));
    expect(lookupOf(key)).not.toBe(lookupOf(key + '!'));
  });
});
