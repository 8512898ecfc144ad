import { generateToken, hashToken } from '../../keys/token.js';
import type { Plan } from '../plan.js';
import { Random } from '../random.js';
import { DAY, HOUR, REF, iso } from '../time.js';
import { API_KEY_NAMES, WEBHOOK_EVENTS } from '../vocabulary.js';
import { NULL, between, mean, perUser, type TableGenerator } from '../context.js';
import { perProject } from './projects.js';

export const webhookEndpoints: TableGenerator = {
  table: 'webhook_endpoints',
  columns: ['id', 'project_id', 'url', 'event_types', 'is_active', 'secret_ciphertext', 'created_at', 'updated_at'],
  estimate: (plan) => perProject(plan, (r) => r.webhooksPerProject),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'webhook_endpoints');
    let id = 0;
    for (let p = 1; p <= ctx.plan.projectCount; p++) {
      const owner = ctx.plan.projectOwner[p - 1]!;
      const r = ctx.plan.ranges[ctx.plan.userTier[owner - 1]!].webhooksPerProject;
      const created = ctx.plan.projectCreatedAt[p - 1]!;
      const n = rnd.int(r[0], r[1]);
      for (let k = 0; k < n; k++) {
        id++;
        const at = between(rnd, created, REF - HOUR);
        const events = rnd.sample(WEBHOOK_EVENTS.length, rnd.int(1, 4)).map((i) => WEBHOOK_EVENTS[i]);
        const host = rnd.pick([
          'hooks.acme.example',
          'api.example.com',
          'ci.example.org',
          'automation.example.net',
          'hooks.zapier.example',
        ]);
        // The secret as the application stores it: AES-GCM nonce (12) + ciphertext (32) + tag (16).
        const secret = `\\\\x${rnd.hex(60)}`;
        ctx.audit.push({
          at,
          userId: owner,
          type: 'webhook.created',
          entityType: 'webhook_endpoint',
          entityId: id,
          data: `{"project_id": ${p}}`,
          ip: null,
        });
        yield `${id}\t${p}\thttps://${host}/devdb/${p}/${rnd.hex(6)}\t{${events.join(',')}}\t${rnd.chance(0.85) ? 't' : 'f'}\t${secret}\t${iso(at)}\t${iso(between(rnd, at, REF))}\n`;
      }
    }
  },
};

function keyEstimate(plan: Plan): number {
  // Active keys, plus about one revoked, expired or rotated-away key per two users.
  return perUser(plan, (r) => mean(r.apiKeys) + 0.5);
}

/**
 * Keys are made with the real token generator fed by the seeded PRNG, and only their hash
 * is written: the plaintext of a seeded key exists for a moment in memory, nowhere else.
 * At most the tier's quota of keys is active (neither revoked nor expired) per user.
 */
export const apiKeys: TableGenerator = {
  table: 'api_keys',
  columns: [
    'id',
    'user_id',
    'name',
    'hashed_key',
    'created_at',
    'last_used_at',
    'display_prefix',
    'expires_at',
    'revoked_at',
    'replaced_key_id',
  ],
  estimate: keyEstimate,
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'api_keys');
    const prefixes = new Set<string>();
    const newKey = () => {
      for (;;) {
        const { token, displayPrefix } = generateToken((size) => rnd.bytes(size));
        if (!prefixes.has(displayPrefix)) {
          prefixes.add(displayPrefix);
          return { hash: hashToken(token, ctx.pepper), displayPrefix };
        }
      }
    };
    let id = 0;
    // Each key event the seed makes up goes to the audit log as the keys commands would write it.
    const audit = (at: number, userId: number, type: string, keyId: number, displayPrefix: string) =>
      ctx.audit.push({
        at,
        userId,
        type,
        entityType: 'api_key',
        entityId: keyId,
        data: `{"display_prefix": "${displayPrefix}"}`,
        ip: null,
      });
    for (let u = 1; u <= ctx.plan.userCount; u++) {
      const r = ctx.plan.ranges[ctx.plan.userTier[u - 1]!].apiKeys;
      const userCreated = ctx.plan.userCreatedAt[u - 1]!;
      const active = rnd.int(r[0], r[1]);
      const inactive = rnd.chance(0.5) ? 1 : 0;
      for (let k = 0; k < active + inactive; k++) {
        const name = rnd.pick(API_KEY_NAMES);
        const created = between(rnd, userCreated + HOUR, REF - 2 * DAY);
        const used = rnd.chance(0.8) ? iso(between(rnd, created, REF)) : NULL;
        const key = newKey();
        if (k >= active) {
          // A retired key: revoked, or expired at the end of its lifetime.
          const revoked = rnd.chance(0.5);
          const end = between(rnd, created + DAY, REF - DAY);
          audit(end, u, revoked ? 'api_key.revoked' : 'api_key.expired', ++id, key.displayPrefix);
          yield `${id}\t${u}\t${name}\t${key.hash}\t${iso(created)}\t${used === NULL ? NULL : iso(Math.min(end, between(rnd, created, end)))}\t${key.displayPrefix}\t${revoked ? NULL : iso(end)}\t${revoked ? iso(end) : NULL}\t${NULL}\n`;
          continue;
        }
        const expires = rnd.chance(0.4) ? iso(REF + rnd.int(30, 365) * DAY) : NULL;
        if (rnd.chance(0.25)) {
          // Rotated: the old key's grace period ended before the reference date.
          const old = newKey();
          const oldId = ++id;
          const oldCreated = between(rnd, userCreated + HOUR, created);
          audit(created, u, 'api_key.rotated', oldId, old.displayPrefix);
          yield `${oldId}\t${u}\t${name}\t${old.hash}\t${iso(oldCreated)}\t${iso(created)}\t${old.displayPrefix}\t${iso(created + DAY)}\t${NULL}\t${NULL}\n`;
          audit(created, u, 'api_key.created', ++id, key.displayPrefix);
          yield `${id}\t${u}\t${name}\t${key.hash}\t${iso(created)}\t${used}\t${key.displayPrefix}\t${expires}\t${NULL}\t${oldId}\n`;
          continue;
        }
        audit(created, u, 'api_key.created', ++id, key.displayPrefix);
        yield `${id}\t${u}\t${name}\t${key.hash}\t${iso(created)}\t${used}\t${key.displayPrefix}\t${expires}\t${NULL}\t${NULL}\n`;
      }
    }
  },
};
