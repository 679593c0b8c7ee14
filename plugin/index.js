// cdk8s.yaml `validations:` entry point for a development checkout: the compiled library when it is built and not
// older than its sources, otherwise the TypeScript through ts-node. Installed packages use `package: cdk8s-netpol`.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'lib', 'validation-plugin.js');
const source = path.join(root, 'lib', 'validation-plugin.ts');
const mtime = file => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;

if (mtime(compiled) !== undefined && mtime(compiled) >= mtime(source)) {
  module.exports = require(compiled);
} else {
  require('ts-node').register({ project: path.join(root, 'tsconfig.dev.json'), transpileOnly: true });
  module.exports = require(source);
}
