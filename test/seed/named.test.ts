import { describe, expect, it } from 'vitest';
import { loadFaker } from '../../src/seed/faker.js';
import { Random } from '../../src/seed/random.js';
import { nameKey, namedFor } from '../../src/seed/schema/named.js';
import { timeRole } from '../../src/seed/schema/values.js';
import { runPools } from '../../src/seed/schema/pools.js';

describe('the generator a text column gets by its name', () => {
  it.each([
    ['password', 'auth_user', 128, 'passwordHash'],
    ['encrypted_password', 'users', undefined, 'passwordHash'],
    ['serial_no', 'device', 20, 'serialNumber'],
    ['api_token', 'integrations', undefined, 'hex'],
    ['checksum', 'files', 64, 'hex'],
    ['session_key', 'django_session', 40, 'hex'],
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

  // Prisma, TypeORM and Sequelize name columns in camelCase: they get what snake_case names get.
  it.each([
    ['passwordHash', 'User', 'passwordHash'],
    ['firstName', 'Customer', 'firstName'],
    ['avatarURL', 'Profile', 'url'],
    ['contentType', 'Attachment', 'mimeType'],
    ['id', 'User', 'textId'],
    ['stripeCustomerId', 'Account', 'textId'],
    ['name', 'OrderItem', 'productName'],
    ['name', 'Team', 'label'],
    ['name', 'Customer', 'fullName'],
  ])('%s in %s: %s', (column, table, name) => {
    expect(namedFor(nameKey(column), nameKey(table), undefined)?.name).toBe(name);
  });

  it('reads every naming convention as lower-case words joined by _', () => {
    expect(['passwordHash', 'PasswordHash', 'password_hash', 'PASSWORD_HASH'].map(nameKey)).toEqual(Array(4).fill('password_hash'));
    expect(['userID', 'HTTPStatus', 'Invoice Lines', 'is-active'].map(nameKey)).toEqual([
      'user_id',
      'http_status',
      'invoice_lines',
      'is_active',
    ]);
    expect(['createdAt', 'updatedAt', 'expiresAt', 'dateOfBirth'].map(timeRole)).toEqual(['birth', 'later', 'ahead', 'date of birth']);
    // Django's users: joined first, logged in later.
    expect(['date_joined', 'last_login', 'signup_date'].map(timeRole)).toEqual(['birth', 'later', 'birth']);
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
    expect(draw('id')).toMatch(/^c[0-9a-z]{24}$/);
    expect(draw('external_id', 12)).toMatch(/^c[0-9a-z]{11}$/);
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
