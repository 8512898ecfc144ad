import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { qualifiedName, quoteIdent } from '../util/sql-text.js';
import { copyDatabase, dropDatabase } from '../db/databases.js';
import type { Db, Queryable } from '../db/db.js';
import { scratchDatabaseName } from '../db/devdb-names.js';
import { copyFolder, pendingFolder } from '../db/folder-swap.js';
import { PGDATA } from '../db/pglite-folder.js';
import { folderImage } from '../db/pglite-image.js';
import { openServerAdmin, type ServerTarget } from '../db/server-admin.js';
import { mainOf } from '../db/target.js';
import { snapshotPgdata } from '../snapshot/folder-snapshots.js';
import { listSnapshots } from '../snapshot/index.js';
import { notFound } from '../snapshot/server-snapshots.js';
import { migratedTemplate } from './pglite-templates.js';
import type { Project } from './project.js';

/**
 * The data folder image (a tar) an in-memory PGlite starts from. A PGlite snapshot's folder is
 * archived as it is. A snapshot on the native engine or a server cannot be: its files are a
 * 64-bit PostgreSQL's, PGlite's are WebAssembly's (32-bit), so it is copied logically into a PGlite
 * migrated to the snapshot's version (every table's rows in COPY text, then every sequence), once
 * per snapshot, and the image kept in the project's local folder (`images/`).
 */
const IMAGES_DIR = 'images';
/** Changed when folderImage writes an image differently (2: only the WAL segments a start needs). */
const IMAGE_FORM = 2;

export async function memoryImage(project: Project, snapshot: string | undefined): Promise<Buffer> {
  const target = project.target;
  if (target.engine === 'pglite') {
    return cachedFolderImage(
      snapshot === undefined ? await migratedTemplate(project.stateDir, project.migrationsDir) : snapshotPgdata(target, snapshot),
    );
  }
  if (snapshot === undefined) return cachedFolderImage(await migratedTemplate(project.stateDir, project.migrationsDir));
  const info = (await listSnapshots(target)).find((s) => s.name === snapshot);
  if (!info)
    throw notFound(
      snapshot,
      (await listSnapshots(target)).map((s) => s.name),
    );
  // The image's form is part of its name: an image an older devdb made (with every WAL segment) is made again.
  const key = createHash('sha256').update(`${IMAGE_FORM}\n${info.storedAs}\n${info.createdAt}`).digest('hex').slice(0, 16);
  const file = path.join(project.stateDir, IMAGES_DIR, `${snapshot}-${key}.tar`);
  const kept = images.get(file);
  if (kept) return kept;
  if (fs.existsSync(file)) return keep(file, fs.readFileSync(file));
  const folder = pendingFolder(path.join(project.stateDir, IMAGES_DIR, `${snapshot}-${key}`));
  try {
    await copyFolder(await migratedTemplate(project.stateDir, project.migrationsDir, info.migrationVersion), path.join(folder, PGDATA));
    await copyRowsInto(mainOf(target) as ServerTarget, info.storedAs, folder);
    const image = folderImage(path.join(folder, PGDATA));
    const temp = `${file}.${process.pid}`;
    fs.writeFileSync(temp, image);
    fs.renameSync(temp, file);
    // The images of this snapshot's earlier saves (or of an older form) are never read again.
    for (const name of fs.readdirSync(path.dirname(file)))
      if (name.startsWith(`${snapshot}-`) && /^[0-9a-f]{16}\.tar$/.test(name.slice(snapshot.length + 1)) && name !== path.basename(file))
        fs.rmSync(path.join(path.dirname(file), name), { force: true });
    return keep(file, image);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The images this process made or read, by folder (with the folder's inode and change time, which a
 * snapshot saved again or a template made again changes) or image file (named for its snapshot's
 * save): a test suite asks for one per test, and reading and archiving the small seed's 69 MiB
 * folder each time cost more than PGlite's load of it. Only the newest image of a folder is kept.
 */
const images = new Map<string, Buffer>();

function keep(key: string, image: Buffer): Buffer {
  images.set(key, image);
  return image;
}

function cachedFolderImage(folder: string): Buffer {
  const stat = fs.statSync(folder);
  const key = `${folder}\n${stat.ino}\n${stat.mtimeMs}`;
  for (const old of images.keys()) if (old.startsWith(`${folder}\n`) && old !== key) images.delete(old);
  return images.get(key) ?? keep(key, folderImage(folder));
}

/** Copies every table's rows and every sequence's position from the snapshot database into the PGlite folder. */
async function copyRowsInto(target: ServerTarget, snapshotDatabase: string, folder: string): Promise<void> {
  const admin = await openServerAdmin(target, 'devdb/testing');
  // A snapshot accepts no connections: its rows are read from a copy.
  const copy = scratchDatabaseName('tmp');
  try {
    await copyDatabase(admin.db, snapshotDatabase, copy, { endSessions: false });
    const source = await admin.connect(copy);
    const { openPglite } = await import('../db/pglite-adapter.js');
    const pglite = await openPglite({ dataDir: folder, command: 'devdb/testing' });
    try {
      await copyRows(source, pglite);
    } finally {
      await pglite.close();
      await source.close();
    }
  } finally {
    await dropDatabase(admin.db, copy).catch(() => {});
    await admin.close();
  }
}

/** COPY's text format: each value's text output with backslash, newline, carriage return and tab escaped, `\N` for NULL. */
const COPY_TEXT = (column: string) =>
  `coalesce(replace(replace(replace(replace(${column}::text, '\\', '\\\\'), chr(10), '\\n'), chr(13), '\\r'), chr(9), '\\t'), '\\N')`;

async function copyRows(source: Queryable, target: Db): Promise<void> {
  const tables = await source.query<{ schema: string; name: string; columns: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
      GROUP BY n.nspname, c.relname ORDER BY 1, 2`,
  );
  await target.transaction(async (tx) => {
    // Rows go in as they are: no trigger (the search lexicons are copied too), no foreign-key check.
    await tx.exec('SET LOCAL session_replication_role = replica');
    for (const table of tables) {
      const qualified = qualifiedName({ schema: table.schema, name: table.name });
      await tx.exec(`DELETE FROM ${qualified}`);
      const line = table.columns.map((c) => COPY_TEXT(quoteIdent(c))).join(` || chr(9) || `);
      const rows = await source.query<{ line: string }>(`SELECT ${line} AS line FROM ${qualified}`);
      if (rows.length > 0)
        await tx.copyFrom({ schema: table.schema, name: table.name }, table.columns, [rows.map((r) => `${r.line}\n`).join('')]);
    }
    const sequences = await source.query<{ name: string; value: string | null; called: boolean }>(
      `SELECT format('%I.%I', schemaname, sequencename) AS name, last_value::text AS value, last_value IS NOT NULL AS called
         FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    for (const s of sequences) {
      if (s.value !== null) await tx.query('SELECT setval($1::regclass, $2::bigint, $3)', [s.name, s.value, s.called]);
    }
  });
}
