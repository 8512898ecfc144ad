import fs from 'node:fs';
import path from 'node:path';
import { DevdbError } from '../errors.js';

/** Writes next to the target then renames, so a failed run never leaves half a diagram behind. */
export function writeOutput(file: string, content: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new DevdbError('E_INVALID', `Could not write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose a writable path for --out.`, { cause: error });
  }
}
