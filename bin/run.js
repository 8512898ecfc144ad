#!/usr/bin/env node
// The CLI runs from its bundle (scripts/bundle.js, built by `npm run build`): one file per command
// and shared chunks instead of some 300 modules, which costs every command 20-40 ms less to start.
const { main } = await import('../dist/cli-bundle/cli/main.js');
await main(import.meta.url);
