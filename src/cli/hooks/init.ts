import type { Hook } from '@oclif/core';
import { installOutputRedaction } from '../redact-output.js';

/** Before oclif looks the command up: even its "not found" and help output is redacted. */
const hook: Hook<'init'> = async function () {
  installOutputRedaction();
};

export default hook;
