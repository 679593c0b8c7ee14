import { Chart, Testing } from 'cdk8s';

/** The synthesized manifest of `kind` named `name` in `chart`; fails the test if there is none. */
export function manifest(chart: Chart, kind: string, name: string): any {
  const found = Testing.synth(chart).filter((m: any) => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) {
    const all = Testing.synth(chart).map((m: any) => `${m.kind}/${m.metadata?.name}`);
    throw new Error(`expected one ${kind} named ${name}, found ${found.length} among ${all.join(', ')}`);
  }
  return found[0];
}

/** The spec of the NetworkPolicy named `name`. */
export function policySpec(chart: Chart, name: string): any {
  return manifest(chart, 'NetworkPolicy', name).spec;
}

/** A chart in a fresh app, with a namespace. */
export function chartIn(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}
