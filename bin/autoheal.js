#!/usr/bin/env node
'use strict';
// The compiled CLI (dist/ is built by `npm install`/`npm ci` through the prepare script).
require('../dist/cli/cli.js').main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
