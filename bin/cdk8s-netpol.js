#!/usr/bin/env node
// The cdk8s-netpol command. In a built package it runs the compiled lib/cli/main.js (`npm run build` writes it beside
// the sources). In a development checkout where main.js does not exist yet, or is older than a lib/cli/*.ts source
// (edited since the last build), it runs lib/cli/main.ts through ts-node (transpile only, tsconfig.dev.json, which
// prefers .ts over stale .js for every import), provided ts-node is installed.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const cliDir = path.join(root, 'lib', 'cli');
const compiled = path.join(cliDir, 'main.js');

function mtime(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? stat.mtimeMs : undefined;
}

function sourcesNewerThan(time) {
  return fs.readdirSync(cliDir).some(f => f.endsWith('.ts') && !f.endsWith('.d.ts') && mtime(path.join(cliDir, f)) > time);
}

function hasTsNode() {
  try {
    require.resolve('ts-node');
    return true;
  } catch {
    return false;
  }
}

const compiledTime = mtime(compiled);
let cli;
if (compiledTime !== undefined && !(sourcesNewerThan(compiledTime) && hasTsNode())) {
  cli = require(compiled);
} else {
  require('ts-node').register({ project: path.join(root, 'tsconfig.dev.json'), transpileOnly: true });
  cli = require(path.join(cliDir, 'main.ts'));
}

// main() runs cli.run(argv, processIo), sets process.exitCode and ends quietly when stdout is closed early (EPIPE).
const argv = process.argv.slice(2);
if (typeof cli.main === 'function') {
  void cli.main(argv);
} else {
  cli.run(argv, cli.processIo).then(code => { process.exitCode = code; });
}
