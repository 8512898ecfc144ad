import { DevdbError } from '../errors.js';

export function branchNotFound(name: string, names: string[]): DevdbError {
  return new DevdbError(
    'E_NOT_FOUND',
    `There is no branch ${name} (there are: main${names.length ? `, ${names.join(', ')}` : ''}): devdb branch create ${name} makes it.`,
  );
}
