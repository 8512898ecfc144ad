import { describe, expect, it } from 'vitest';
import { loadFaker } from '../../src/seed/faker.js';
import { Random } from '../../src/seed/random.js';
import { namedFor } from '../../src/seed/schema/named.js';
import { runPools } from '../../src/seed/schema/pools.js';

describe('the generator a text column gets by its name', () => {
  it.each([
    ['password', 'auth_user', 128, 'passwordHash'],
    ['encrypted_password', 'users', undefined, 'passwordHash'],
    ['serial_no', 'device', 20, 'serialNumber'],
    ['api_token', 'integrations', undefined, 'hex'],
    ['checksum', 'files', 64, 'hex'],
    ['license_key', 'licenses', 40, 'hex'],
    ['content_type', 'attachments', undefined, 'mimeType'],
    ['file_name', 'attachments', undefined, 'fileName'],
    ['hostname', 'servers', undefined, 'domain'],
    ['avatar', 'profiles', undefined, 'imageUrl'],
    ['avatar_url', 'profiles', undefined, 'url'],
    ['body', 'posts', undefined, 'paragraph'],
    ['status', 'orders', undefined, 'status'],
    ['role', 'memberships', undefined, 'role'],
    ['billing_plan', 'accounts', undefined, 'plan'],
    ['event_type', 'events', undefined, 'kind'],
  ])('%s in %s (length %s): %s', (column, table, length, name) => {
    expect(namedFor(column, table, length)?.name).toBe(name);
  });

  it('draws values of the right shape, within the column length', async () => {
    const pools = runPools(await loadFaker(), 1);
    const draw = (column: string, length?: number) =>
      namedFor(column, 't', length)!.make(new Random(7, column), { pools, passwordHash: '$scrypt$x' }, length)();
    expect(draw('serial_number')).toMatch(/^SN-[0-9A-F]{10}$/);
    expect(draw('checksum')).toMatch(/^[0-9a-f]{64}$/);
    expect(draw('api_key', 40)).toMatch(/^[0-9a-f]{40}$/);
    expect(draw('nonce', 7)).toMatch(/^[0-9a-f]{7}$/);
    expect(draw('content_type')).toMatch(/^[a-z]+\/[a-z.+-]+$/);
    expect(draw('file_name')).toMatch(/^\S+-\d+\.[a-z]+$/);
    expect(draw('domain')).toMatch(/^[a-z0-9]+\.example\.(com|org|net)$/);
    const few = (column: string) => {
      const next = namedFor(column, 't', undefined)!.make(new Random(3, column), { pools, passwordHash: '' }, undefined);
      return new Set(Array.from({ length: 500 }, next)).size;
    };
    // Columns of a few values stay few however many rows there are.
    for (const column of ['status', 'role', 'plan', 'payment_method', 'kind']) expect(few(column), column).toBeLessThanOrEqual(6);
    expect(draw('avatar')).toMatch(/^https:\/\/images\.example\.com\/[0-9a-f]{16}\.(png|jpg|webp)$/);
  });
});
