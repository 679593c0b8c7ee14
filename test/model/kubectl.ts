/**
 * kubectl as the reference reader of manifests, for tests: what `kubectl label --local -f FILE` reads from a file
 * (the same decoding as `kubectl apply`, without a cluster: `kubectl create --dry-run=client` needs a server for its
 * REST mapping). Tests assert their expected values directly and, where kubectl is on PATH, also that it agrees.
 */
import { spawnSync } from 'child_process';

/** Whether kubectl is on PATH. */
export const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** What kubectl read: the objects, in order, and the error that stopped it, if any. */
export interface KubectlReading {
  readonly objects: { [key: string]: unknown }[];
  readonly error?: string;
}

/** The label the reading adds (and removes again): `label --local` needs one to print the objects. */
const MARK = 'cdk8s-netpol-test-mark';

/** Reads files or directories (`-R`) as kubectl does. */
export function kubectlRead(paths: string[], recursive = false): KubectlReading {
  const args = ['label', '--local', ...(recursive ? ['-R'] : []), ...paths.flatMap(p => ['-f', p]), `${MARK}=x`, '-o', 'json'];
  const run = spawnSync('kubectl', args, { encoding: 'utf8' });
  // kubectl prints each object as an indented JSON document, `{` and `}` alone at the start of their lines.
  const out = run.stdout.trim();
  const objects = out ? JSON.parse(`[${out.replace(/\n}\n{/g, '\n},\n{')}]`) as { [key: string]: unknown }[] : [];
  for (const object of objects) {
    const metadata = object.metadata as { labels?: { [key: string]: string } };
    delete metadata.labels![MARK];
    if (Object.keys(metadata.labels!).length === 0) delete metadata.labels;
  }
  return { objects, ...(run.status !== 0 ? { error: run.stderr.trim() } : {}) };
}
