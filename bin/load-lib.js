// Loads a module of lib/ for the bin and plugin entry points. In a built package the compiled JavaScript is used (jsii
// writes it beside the sources). In a development checkout where it does not exist yet, or where any lib/**/*.ts is
// newer (edited since the last build), the TypeScript runs through ts-node (transpile only, tsconfig.dev.json, which
// prefers .ts over stale .js for every import), provided ts-node is installed.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');

function mtime(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? stat.mtimeMs : undefined;
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, mtime(full) ?? 0);
  }
  return newest;
}

function hasTsNode() {
  try {
    require.resolve('ts-node');
    return true;
  } catch {
    return false;
  }
}

/** Requires lib/<name> (e.g. 'cli/main'), compiled or through ts-node. */
module.exports = function loadLib(name) {
  const compiled = path.join(lib, `${name}.js`);
  const compiledTime = mtime(compiled);
  if (compiledTime !== undefined && !(newestSource(lib) > compiledTime && hasTsNode())) return require(compiled);
  require('ts-node').register({ project: path.join(root, 'tsconfig.dev.json'), transpileOnly: true });
  return require(path.join(lib, `${name}.ts`));
};
