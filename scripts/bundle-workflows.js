#!/usr/bin/env node
/**
 * Second step of `npm run build`: bundles the compiled workflow code (dist/workflows) into
 * dist/workflow-bundle.js with its manifest, so a production worker starts without bundling.
 */
'use strict';
const path = require('node:path');
const { writeWorkflowBundle } = require('../dist/workers/workflow-bundle.js');

writeWorkflowBundle(path.resolve(__dirname, '..', 'dist')).then(
  ({ codePath, files }) => console.log(`workflow bundle: ${path.relative(process.cwd(), codePath)} (${files} workflow source files)`),
  (err) => {
    console.error(`workflow bundle failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
