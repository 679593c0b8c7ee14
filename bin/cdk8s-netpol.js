#!/usr/bin/env node
// The cdk8s-netpol command: lib/cli/main, compiled or (in a development checkout) through ts-node; see load-lib.js.
'use strict';
const cli = require('./load-lib')('cli/main');

// main() runs cli.run(argv, processIo), sets process.exitCode and ends quietly when stdout is closed early (EPIPE).
const argv = process.argv.slice(2);
if (typeof cli.main === 'function') {
  void cli.main(argv);
} else {
  cli.run(argv, cli.processIo).then(code => { process.exitCode = code; });
}
