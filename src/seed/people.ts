import type { People } from './context.js';
import type { Plan } from './plan.js';
import { Random } from './random.js';
import { loadFaker } from './faker.js';

/** Reserved for documentation (RFC 2606), so a seeded address never reaches a real inbox. */
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com', 'acme.example'];

const slug = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '') || 'user';

/**
 * Names, emails, avatars, time zones and session IPs: the values that must look like real
 * people, few enough (a handful per user) that faker's cost does not matter. faker is seeded
 * here, with a fixed reference date, so its output never depends on the clock.
 */
export async function makePeople(plan: Plan): Promise<People> {
  const faker = await loadFaker();
  faker.seed(plan.seed);
  const rnd = new Random(plan.seed, 'people');
  const people: People = { firstName: [], lastName: [], email: [], avatarUrl: [], timeZone: [], sessionIps: [] };
  const emails = new Set<string>();
  for (let i = 0; i < plan.userCount; i++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const [f, l] = [slug(first), slug(last)];
    const local = rnd.pick([`${f}.${l}`, `${f}${l}`, `${f[0]}${l}`, `${f}_${l}`, `${f}.${l[0]}`]);
    const domain = rnd.pick(DOMAINS);
    let email = `${local}@${domain}`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${domain}`;
    emails.add(email);
    people.firstName.push(first);
    people.lastName.push(last);
    people.email.push(email);
    people.avatarUrl.push(rnd.chance(0.85) ? faker.image.avatar() : null);
    people.timeZone.push(faker.location.timeZone());
    const sessions = plan.ranges[plan.userTier[i]!].sessions;
    const count = rnd.int(sessions[0], sessions[1]);
    people.sessionIps.push(Array.from({ length: count }, () => (rnd.chance(0.1) ? faker.internet.ipv6() : faker.internet.ipv4())));
  }
  return people;
}
