// Runs npm scripts side by side (`node scripts/run-parallel.js build typecheck lint`) and fails when any of them
// fails. npm test uses it for the checks that share nothing: each is one single-threaded process (tsc, ESLint,
// Prettier), so on two cores they take as long as the slowest instead of the sum. Each script's output is
// printed whole when it ends, so that the logs do not interleave.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
const npm = process.env.npm_execpath;

const results = await Promise.all(
  scripts.map(
    (script) =>
      new Promise((resolve) => {
        // Through the npm that runs us (npm_execpath) when there is one, so that no shell or PATH lookup is needed.
        const [command, args] = npm ? [process.execPath, [npm, 'run', script]] : ['npm', ['run', script]];
        const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        const output = [];
        child.stdout.on('data', (chunk) => output.push(chunk));
        child.stderr.on('data', (chunk) => output.push(chunk));
        child.on('error', (error) => resolve({ script, code: 1, output: [Buffer.from(`${error.message}\n`)] }));
        child.on('close', (code, signal) => resolve({ script, code: code ?? (signal ? 1 : 0), output }));
      }),
  ),
);

for (const { output } of results) process.stdout.write(Buffer.concat(output));
const failed = results.filter((r) => r.code !== 0).map((r) => r.script);
if (failed.length > 0) {
  process.stderr.write(`run-parallel: ${failed.join(', ')} failed\n`);
  process.exit(1);
}
