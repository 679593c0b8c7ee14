/**
 * Testing helpers: read a construct tree as a cluster, jest matchers for connectivity, truth tables.
 * Import from `cdk8s-netpol/lib/testing` (not part of the jsii API: jest is a TypeScript/JavaScript tool).
 */
export * from '../cluster-of';
export * from './matchers';
export * from './exposure';
export * from './lock';
export * from './truth-table';
export * from './summary';
export * from './replay';
export type { MatcherResult } from './matcher-result';
