import type { Faker } from '@faker-js/faker';
import { REFERENCE_DATE } from './time.js';

/**
 * faker in English, from its locale entry: the package's main entry loads every locale it
 * ships (about a second of a seed's start on a busy machine, ten times the English one). The
 * entry's instance is the process's one faker; every user seeds it before drawing from it
 * (the people once, the schema layer per table), so no output depends on who drew before.
 * Its reference date is fixed, never the clock.
 */
export async function loadFaker(): Promise<Faker> {
  const { faker } = await import('@faker-js/faker/locale/en');
  faker.setDefaultRefDate(REFERENCE_DATE);
  return faker;
}
