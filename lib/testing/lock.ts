/**
 * The connectivity lock from jest: the same file `cdk8s-netpol lock dist/` writes, checked against the construct tree.
 *
 *   expect.extend(lockMatchers);
 *   expect(app).toMatchConnectivityLock('netpol.lock');        // fails with the diff (lock → now)
 *   fs.writeFileSync('netpol.lock', connectivityLock(app));     // write or update the file
 *
 * The path is relative to the test's working directory. The comparison is by meaning (`diffConnectivity`), so a lock
 * written by the CLI from the synthesized manifests matches the app it was synthesized from.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { Analysis } from '../analysis';
import { compareLock, formatLock, lockMismatchText, parseLock } from '../cli/lock';
import { answerableCluster } from '../cluster-of';
import type { MatcherResult } from './matcher-result';

/** Options of `connectivityLock` and `toMatchConnectivityLock`. */
export interface ConnectivityLockOptions {
  /**
   * Answer although the app holds policy kinds the analysis does not model, leaving them out; otherwise such
   * policies make it throw.
   * @default - the app's `Checker.configure(app, { ignoreUnmodelled })`, else false
   */
  readonly ignoreUnmodelled?: boolean;
}


function snapshotOf(scope: IConstruct, api: string, options: ConnectivityLockOptions) {
  const analysis = Analysis.of(answerableCluster(scope, api, options));
  return { connections: analysis.connections(), workloads: analysis.workloads() };
}

/** The lock text of a construct tree (what `cdk8s-netpol lock` writes for its synthesized manifests). */
export function connectivityLock(scope: IConstruct, options: ConnectivityLockOptions = {}): string {
  return formatLock(snapshotOf(scope, 'connectivityLock()', options), 'connectivityLock(app)');
}

/**
 * Compares a construct tree with a lock file (relative to the working directory). Throws when the file is malformed,
 * naming the line.
 */
export function connectivityLockMatcher(scope: IConstruct, file: string, options: ConnectivityLockOptions = {}): MatcherResult {
  const full = path.resolve(process.cwd(), file);
  const update = `write the file with fs.writeFileSync(${JSON.stringify(file)}, connectivityLock(app)) or \`cdk8s-netpol lock dist/ --file ${file}\` and commit it`;
  if (!fs.existsSync(full)) {
    return { pass: false, message: () => `expected the app's connectivity to match the lock file ${file}, but ${full} does not exist; ${update}` };
  }
  const comparison = compareLock(parseLock(fs.readFileSync(full, 'utf-8'), file), snapshotOf(scope, 'toMatchConnectivityLock()', options), file);
  const pass = comparison.matches;
  return {
    pass,
    message: () => (pass
      ? `expected the app's connectivity to differ from the lock file ${file}, and it matches (.not was used)`
      : `expected the app's connectivity to match the lock file ${file}:\n${lockMismatchText(comparison, update)}`),
  };
}

/** The lock matcher; register it with `expect.extend(lockMatchers)` (or `expect.extend(netpolMatchers)`, which includes it). */
export const lockMatchers = {
  /** Passes when the construct tree allows exactly the connections of the lock file, with the same workloads. */
  toMatchConnectivityLock(received: IConstruct, file: string, options: ConnectivityLockOptions = {}): MatcherResult {
    return connectivityLockMatcher(received, file, options);
  },
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** Passes when the construct tree allows exactly the connections of the lock file (relative to the cwd). */
      toMatchConnectivityLock(file: string, options?: ConnectivityLockOptions): R;
    }
  }
}
