'use strict';
// Bench runner: `node bench/run-ts.js <file.ts> [args...]`. The repo has no ts-node; @swc/core is already a dev
// dependency, so .ts files are compiled on require (CommonJS, decorators as tsc emits them).
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

Module._extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: 'es2022',
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node bench/run-ts.js <file.ts> [args...]\n');
  process.exit(2);
}
const resolved = path.resolve(entry);
// The entry runs as the main module (require.main === module) with its own path and arguments, as if started directly.
process.argv = [process.argv[0], resolved, ...rest];
Module.runMain();
