/**
 * Symbols that mark this library's constructs, so they can be recognised without importing their classes (which
 * would make import cycles) and across copies of the library.
 * @internal
 */

/** Set on every NetworkPolicy (and building block). */
export const NETWORK_POLICY = Symbol.for('cdk8s-netpol.NetworkPolicy');

/** Set on every IsolatedNamespace. */
export const ISOLATED_NAMESPACE = Symbol.for('cdk8s-netpol.IsolatedNamespace');
