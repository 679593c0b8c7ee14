/** Helpers for the CLI tests: run the CLI in-process and capture what it writes. */
import * as path from 'path';
import { run } from '../../lib/cli/main';

/** What one CLI run wrote and returned. */
export interface CliResult {
  /** The exit code. */
  readonly code: number;
  /** Everything written to standard output. */
  readonly stdout: string;
  /** Everything written to standard error. */
  readonly stderr: string;
}

/** Runs `cdk8s-netpol ARGS...` in-process with a capturing io. */
export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: t => { stdout += t; }, err: t => { stderr += t; } });
  return { code, stdout, stderr };
}

/** The path of a fixture under test/cli/fixtures. */
export function fixture(name: string): string {
  return path.join(__dirname, 'fixtures', name);
}

/** The field guide's production namespace: frontend, api, postgres, kube-system/coredns and the guide's five policies. */
export const PRODUCTION = fixture('production');

/** The connection list of `PRODUCTION`: the guide's policies leave frontend -> api closed (frontend egress). */
export const PRODUCTION_CONNLIST = [
  '0.0.0.0-255.255.255.255[External] => kube-system/coredns[Deployment] : All Connections',
  'kube-system/coredns[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
  'production/api[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53',
  'production/api[Deployment] => production/postgres[Deployment] : TCP 5432',
  'production/frontend[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53',
  'production/postgres[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53',
].map(line => `${line}\n`).join('');

/** The connection list of `list.json` (a `kind: List` in namespace shop, db open to web on 5432 only). */
export const LIST_CONNLIST = [
  '0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections',
  'shop/db[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
  'shop/db[Deployment] => shop/web[Deployment] : All Connections',
  'shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
  'shop/web[Deployment] => shop/db[Deployment] : TCP 5432',
].map(line => `${line}\n`).join('');
