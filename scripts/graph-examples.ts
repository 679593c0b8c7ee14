/**
 * Renders the example app (examples/main.ts) as the README's picture: `docs/examples-graph.svg`.
 *
 * The app is read straight from its constructs (`clusterOf`), as `cdk8s synth` would build it; the cluster DNS and the
 * ingress controller live outside the app, so the picture shows the app's own workloads only.
 *
 *   npx ts-node --project tsconfig.dev.json scripts/graph-examples.ts [OUT]
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildApp } from '../examples/main';
import { clusterOf } from '../lib/cluster-of';
import { buildGraph, graphToSvg } from '../lib/graph';

/** Renders the examples to SVG text. */
export async function examplesSvg(): Promise<string> {
  const { cluster } = clusterOf(buildApp());
  return graphToSvg(buildGraph(cluster));
}

async function main(out: string): Promise<void> {
  const svg = await examplesSvg();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, svg);
  process.stderr.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

if (require.main === module) {
  main(process.argv[2] ?? path.join(__dirname, '..', 'docs', 'examples-graph.svg')).catch(err => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
