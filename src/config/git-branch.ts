import fs from 'node:fs';
import path from 'node:path';

/**
 * The git branch checked out in `cwd`'s repository, read from its HEAD file as git writes it
 * (`ref: refs/heads/<branch>`), without running git: the nearest `.git` up from `cwd`, a folder,
 * or in a worktree (or submodule) a file `gitdir: <path>` naming the folder that holds its HEAD.
 * null on a detached HEAD (a commit checked out) and outside a repository.
 */
export function currentGitBranch(cwd: string): string | null {
  const head = headFile(cwd);
  if (!head) return null;
  let text: string;
  try {
    text = fs.readFileSync(head, 'utf8').trim();
  } catch {
    return null;
  }
  const match = /^ref:\s*refs\/heads\/(.+)$/.exec(text);
  return match ? match[1]! : null;
}

function headFile(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    const stat = fs.statSync(dotGit, { throwIfNoEntry: false });
    if (stat?.isDirectory()) return path.join(dotGit, 'HEAD');
    if (stat?.isFile()) {
      const gitdir = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'))?.[1]?.trim();
      return gitdir ? path.join(path.resolve(dir, gitdir), 'HEAD') : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
