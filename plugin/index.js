// cdk8s.yaml `validations:` entry point for a development checkout (installed packages use `package: cdk8s-netpol`):
// lib/validation-plugin, compiled or through ts-node; see ../bin/load-lib.js.
'use strict';
module.exports = require('../bin/load-lib')('validation-plugin');
