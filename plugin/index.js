// cdk8s.yaml `validations:` entry point for a development checkout (`package: ./plugin`): lib/validation-plugin,
// compiled or through ts-node; see ../bin/load-lib.js. An app that installed the package names the package folder
// instead, `package: ./node_modules/cdk8s-netpol`, whose main module exports NetpolValidation too (see the README).
'use strict';
module.exports = require('../bin/load-lib')('validation-plugin');
