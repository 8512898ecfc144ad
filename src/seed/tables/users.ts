import { Random } from '../random.js';
import { DAY, HOUR, MINUTE, REF, iso } from '../time.js';
import { BROWSERS, DEVICES, SUSPICIOUS_AGENTS } from '../vocabulary.js';
import { NULL, between, mean, perUser, text, type TableGenerator } from '../context.js';

export const users: TableGenerator = {
  table: 'users',
  columns: ['id', 'email', 'password_hash', 'tier', 'created_at', 'updated_at'],
  estimate: (plan) => plan.userCount,
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'users');
    const { userCreatedAt, userTier } = ctx.plan;
    for (let i = 0; i < ctx.plan.userCount; i++) {
      const created = userCreatedAt[i]!;
      const updated = rnd.chance(0.3) ? between(rnd, created, REF) : created;
      const id = i + 1;
      ctx.audit.push({
        at: created,
        userId: id,
        type: 'user.signed_up',
        entityType: 'user',
        entityId: id,
        data: `{"tier": "${userTier[i]}"}`,
        ip: ctx.people.sessionIps[i]![0] ?? null,
      });
      yield `${id}\t${text(ctx.people.email[i]!)}\t${ctx.passwordHash}\t${userTier[i]}\t${iso(created)}\t${iso(updated)}\n`;
    }
  },
};

const THEMES = ['light', 'dark', 'system'];
const DIGESTS = ['daily', 'weekly', 'never'];
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'pt-BR', 'ja-JP'];

export const userProfiles: TableGenerator = {
  table: 'user_profiles',
  columns: ['user_id', 'display_name', 'avatar_url', 'preferences_json', 'created_at', 'updated_at'],
  estimate: (plan) => plan.userCount,
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'user_profiles');
    const { people } = ctx;
    for (let i = 0; i < ctx.plan.userCount; i++) {
      const created = ctx.plan.userCreatedAt[i]!;
      const prefs = `{"theme": "${rnd.pick(THEMES)}", "locale": "${rnd.pick(LOCALES)}", "timezone": "${people.timeZone[i]}", "emailDigest": "${rnd.pick(DIGESTS)}", "compactMode": ${rnd.chance(0.2)}}`;
      const avatar = people.avatarUrl[i];
      yield `${i + 1}\t${text(`${people.firstName[i]} ${people.lastName[i]}`.slice(0, 120))}\t${avatar ? text(avatar) : NULL}\t${text(prefs)}\t${iso(created)}\t${iso(between(rnd, created, REF))}\n`;
    }
  },
};

export const sessions: TableGenerator = {
  table: 'sessions',
  columns: ['id', 'user_id', 'ip_address', 'user_agent', 'created_at', 'last_seen', 'suspicious'],
  estimate: (plan) => perUser(plan, (r) => mean(r.sessions)),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'sessions');
    let id = 0;
    for (let i = 0; i < ctx.plan.userCount; i++) {
      const userCreated = ctx.plan.userCreatedAt[i]!;
      for (const ip of ctx.people.sessionIps[i]!) {
        id++;
        // Sessions are recent: the last 30 days, or since sign-up.
        const created = between(rnd, Math.max(userCreated, REF - 30 * DAY), REF - HOUR);
        const lastSeen = between(rnd, created, Math.min(REF, created + 14 * DAY));
        const suspicious = rnd.chance(0.04);
        const agent = suspicious ? rnd.pick(SUSPICIOUS_AGENTS) : rnd.pick(BROWSERS).replaceAll('{v}', String(rnd.int(0, 5)));
        if (suspicious)
          ctx.audit.push({
            at: created + MINUTE,
            userId: i + 1,
            type: 'session.flagged',
            entityType: 'session',
            entityId: id,
            data: '{"reason": "unusual_user_agent"}',
            ip,
          });
        else
          ctx.audit.push({
            at: created,
            userId: i + 1,
            type: 'user.logged_in',
            entityType: 'session',
            entityId: id,
            data: '{"method": "password"}',
            ip,
          });
        yield `${id}\t${i + 1}\t${ip}\t${text(agent)}\t${iso(created)}\t${iso(lastSeen)}\t${suspicious ? 't' : 'f'}\n`;
      }
    }
  },
};

export const deviceSessions: TableGenerator = {
  table: 'device_sessions',
  columns: ['id', 'user_id', 'device_name', 'platform', 'created_at', 'last_seen'],
  estimate: (plan) => perUser(plan, (r) => mean(r.devices)),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'device_sessions');
    let id = 0;
    for (let i = 0; i < ctx.plan.userCount; i++) {
      const r = ctx.plan.ranges[ctx.plan.userTier[i]!].devices;
      const userCreated = ctx.plan.userCreatedAt[i]!;
      const n = rnd.int(r[0], r[1]);
      for (const k of rnd.sample(DEVICES.length, n)) {
        const [device, platform] = DEVICES[k]!;
        const created = between(rnd, userCreated, REF - HOUR);
        const name = platform === 'web' ? device : `${ctx.people.firstName[i]}'s ${device}`;
        yield `${++id}\t${i + 1}\t${text(name.slice(0, 120))}\t${platform}\t${iso(created)}\t${iso(between(rnd, created, REF))}\n`;
      }
    }
  },
};
