import type { Queryable } from '../../src/db/db.js';

/**
 * A small, deliberate data set: each row is here for one ranking, typo or escaping case.
 * Ids are fixed so tests can name the rows they expect.
 */
export const PROJECTS = {
  login: 1, // "Login Service"
  billing: 2,
  mobile: 3,
} as const;

export const TASKS = {
  loginBug: 10, // "Fix login bug on Safari"
  login: 11, // "Login": the whole title is the term
  catalogue: 12, // contains "log", not "login"
  deployment: 13,
  uiPolish: 14,
  rebuild: 15, // "ui" inside "build": not a word start
  percent: 16,
  hundred: 17, // "100" without "%"
  offXcode: 18, // "_" must not act as a wildcard
  emoji: 19,
  quotes: 20,
  cpp: 21,
  deploymentTypo: 22, // "Deploymant": the typo is in the data
} as const;

export const COMMENTS = {
  longDeploy: 100,
  onProject: 101,
  sql: 102,
} as const;

const filler = 'We went through the checklist again with the whole team and wrote down every step, every owner and every date. ';

export const LONG_BODY = `${filler.repeat(4)}The deployment to staging stalls at the migration step. ${filler.repeat(3)}`;

export async function insertFixture(db: Queryable): Promise<void> {
  await db.query("INSERT INTO users (id, email, password_hash) VALUES (1, 'ada@example.com', 'x')");
  await db.query(
    `INSERT INTO projects (id, owner_id, name) VALUES
       (${PROJECTS.login}, 1, 'Login Service'), (${PROJECTS.billing}, 1, 'Billing'), (${PROJECTS.mobile}, 1, 'Mobile UI')`,
  );
  const tasks: [number, number, string][] = [
    [TASKS.loginBug, PROJECTS.login, 'Fix login bug on Safari'],
    [TASKS.login, PROJECTS.login, 'Login'],
    [TASKS.catalogue, PROJECTS.billing, 'Catalogue cleanup'],
    [TASKS.deployment, PROJECTS.login, 'Deployment pipeline flaky'],
    [TASKS.uiPolish, PROJECTS.mobile, 'UI polish for settings'],
    [TASKS.rebuild, PROJECTS.mobile, 'Rebuild the build cache'],
    [TASKS.percent, PROJECTS.billing, 'Discount 100% off_code for C:\\temp path'],
    [TASKS.hundred, PROJECTS.billing, 'Ship 100 invoices'],
    [TASKS.offXcode, PROJECTS.billing, 'Rename offXcode helper'],
    [TASKS.emoji, PROJECTS.mobile, 'Emoji 🚀 launch checklist'],
    [TASKS.quotes, PROJECTS.billing, `It's the "double" quote bug`],
    [TASKS.cpp, PROJECTS.mobile, 'C++ compiler upgrade'],
    [TASKS.deploymentTypo, PROJECTS.billing, 'Deploymant notes'],
  ];
  for (const [id, project, title] of tasks) {
    await db.query('INSERT INTO tasks (id, project_id, title, created_by) VALUES ($1, $2, $3, 1)', [id, project, title]);
  }
  const comments: [number, number, 'project' | 'task', number, string][] = [
    [COMMENTS.longDeploy, PROJECTS.login, 'task', TASKS.deployment, LONG_BODY],
    [COMMENTS.onProject, PROJECTS.billing, 'project', PROJECTS.billing, 'Billing needs a login page too.'],
    [COMMENTS.sql, PROJECTS.billing, 'project', PROJECTS.billing, "Someone typed '; DROP TABLE tasks; -- into the form"],
  ];
  for (const [id, project, type, entity, body] of comments) {
    await db.query('INSERT INTO comments (id, project_id, entity_type, entity_id, author_id, body) VALUES ($1, $2, $3, $4, 1, $5)', [
      id,
      project,
      type,
      entity,
      body,
    ]);
  }
}
