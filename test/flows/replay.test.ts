/**
 * `cdk8s-netpol replay`: observed Hubble flows against NetworkPolicies. Every expected verdict below is worked out from
 * Kubernetes NetworkPolicy semantics (isolation per direction, a connection needs egress at the source AND ingress at
 * the destination, allows are the union of the selecting policies' rules), not read off our own output.
 *
 * The fixture (fixtures/replay/, see its README) is namespace shop with frontend, api and db under default-deny-all,
 * allow-dns (egress to kube-dns), frontend-egress (to api TCP 8080 and 203.0.113.0/24 TCP 443) and api-ingress (from
 * frontend on the named port http, 8080 on api).
 */
import * as fs from 'fs';
import * as fc from 'fast-check';
import * as os from 'os';
import * as path from 'path';
import { Analysis } from '../../lib/analysis';
import { run } from '../../lib/cli/main';
import { parseHubbleFlows } from '../../lib/flows/hubble';
import { REPLAY_OUTCOMES, replayHubbleFlows, replayObservedFlows, ReplayGroup } from '../../lib/flows/replay';
import { loadText } from '../../lib/model/load';
import { FlowProtocol } from '../../lib/flows/hubble';
import { flow, pod, world } from './flows';
import { fixture, fixtureText } from './support';

/** Runs `cdk8s-netpol ARGS...` in-process, as the installed command does. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: t => { stdout += t; }, err: t => { stderr += t; } });
  return { code, stdout, stderr };
}

const FLOWS = fixture('replay/shop.jsonl');
const MANIFESTS = fixture('replay/manifests');

/** `source -> destination protocol port` of a group. */
function key(g: ReplayGroup): string {
  return `${g.source.name} -> ${g.destination.name} ${g.protocol} ${g.port}`;
}

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('replay on a capture of namespace shop', () => {
  test('lists the forwarded and audited connections the new default deny would cut, names the deciding policy, and exits 1', async () => {
    const result = await cli('replay', FLOWS, MANIFESTS);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    // The summary comes first: 12 connection starts (lines 1, 2, 4, 6, 8-15), replies and bad records not counted.
    expect(lines[0]).toBe(`${FLOWS}: 12 connection starts in 10 groups: 3 would be denied (3 flows), 4 allowed (5 flows), 1 DROPPED that the policies would allow (1 flow), 1 DROPPED and denied by the policies (2 flows), 1 DROPPED for other reasons (1 flow)`);
    const denied = result.stdout.slice(result.stdout.indexOf('Would be denied'), result.stdout.indexOf('DROPPED, but'));
    // api -> db 5432 (line 6): api's egress is isolated (default-deny-all, allow-dns) and no egress rule reaches db; db's ingress is isolated by default-deny-all alone.
    expect(denied).toContain('  shop/api -> shop/db TCP 5432: 1 flow (1 FORWARDED), line 6; denied by shop/default-deny-all, shop/allow-dns\n');
    expect(denied).toContain('    shop/api may not connect to shop/db on TCP 5432: egress of shop/api is isolated by default-deny-all, allow-dns; no egress rule allows shop/db TCP 5432; and ingress of shop/db is isolated by default-deny-all; no ingress rule allows shop/api TCP 5432\n');
    // frontend -> 198.51.100.5 443 (line 13): outside frontend-egress's ipBlock 203.0.113.0/24.
    expect(denied).toContain('  shop/frontend -> 198.51.100.5 (world) TCP 443: 1 flow (1 FORWARDED), line 13; denied by shop/default-deny-all, shop/allow-dns, shop/frontend-egress\n');
    // The debug pod (kubectl run, not in the manifests) is selected by podSelector {} of default-deny-all and allow-dns; api admits only frontend.
    expect(denied).toContain('  shop/{run=debug} (not in the manifests) -> shop/api TCP 8080: 1 flow (1 AUDIT), line 14; denied by shop/default-deny-all, shop/allow-dns, shop/api-ingress\n');
    // Allowed connections are not listed: frontend -> api 8080 (both halves allow it), frontend -> 203.0.113.10 443 (inside the ipBlock).
    expect(denied).not.toMatch(/shop\/frontend -> shop\/api|203\.0\.113\.10/);
  });

  test('a connection the allows cover is not reported, and replies never count as connections', async () => {
    const { code, stdout } = await cli('replay', FLOWS, MANIFESTS, '--output', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    const groups = report.groups as ReplayGroup[];
    // frontend -> api 8080 (lines 1 and 2: the same connection seen at egress and at ingress): frontend-egress egress[0] and api-ingress ingress[0] (named port http = 8080 on api).
    const allowed = groups.find(g => key(g) === 'shop/frontend -> shop/api TCP 8080' && g.observed === 'passed')!;
    expect(allowed).toMatchObject({ outcome: 'allowed', allowed: true, flows: 2, firstLine: 1, lastLine: 2, decidedBy: ['shop/frontend-egress egress[0]', 'shop/api-ingress ingress[0]'] });
    // DNS to kube-system/coredns (not in the manifests: a would-be pod with its recorded labels k8s-app=kube-dns) is allowed by allow-dns.
    const dns = groups.find(g => key(g) === 'shop/frontend -> kube-system/coredns UDP 53')!;
    expect(dns).toMatchObject({ outcome: 'allowed', decidedBy: ['shop/allow-dns egress[0]'] });
    expect(dns.destination).toMatchObject({ kind: 'pod', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } });
    // The replies (lines 3, 5, 7: to the ephemeral ports 44864, 41000, 51812) are nowhere, and no group starts at a reply's line.
    expect(groups.filter(g => g.port > 32767)).toEqual([]);
    expect(groups.flatMap(g => [g.firstLine, g.lastLine]).filter(l => [3, 5, 7].includes(l))).toEqual([]);
    expect(report.flows).toBe(12);
    expect(report.stats).toMatchObject({ replies: 3, kept: 12, dropped: 4 });
  });

  test('a kubelet probe from the pod\'s own node (reserved:host) is allowed whatever the policies', async () => {
    const { stdout } = await cli('replay', FLOWS, MANIFESTS, '-o', 'json');
    const probe = (JSON.parse(stdout).groups as ReplayGroup[]).find(g => g.source.kind === 'node')!;
    // api's ingress is isolated and admits only frontend, but Kubernetes does not let policies block the resident node.
    expect(probe).toMatchObject({ outcome: 'allowed', destination: { name: 'shop/api', workload: 'Deployment shop/api' }, port: 8080, firstLine: 11 });
    expect(probe.explanation).toContain('allowed whatever the policies');
  });

  test('a DROPPED flow is explained by the policy that denies it', async () => {
    const { stdout } = await cli('replay', FLOWS, MANIFESTS);
    const section = stdout.slice(stdout.indexOf('DROPPED, and denied by the policies:'));
    // frontend -> db 5432 (lines 8, 9, POLICY_DENIED): frontend's egress reaches only api 8080, 203.0.113.0/24 443 and DNS; db's ingress is default-deny-all.
    expect(section).toContain('  shop/frontend -> shop/db TCP 5432: 2 flows (DROPPED: 2 POLICY_DENIED), first line 8, last line 9; denied by shop/default-deny-all, shop/allow-dns, shop/frontend-egress\n');
    expect(section).toContain('no egress rule allows shop/db TCP 5432; and ingress of shop/db is isolated by default-deny-all; no ingress rule allows shop/frontend TCP 5432');
  });

  test('a DROPPED flow the manifests would allow is flagged as a disagreement, naming the rules that allow it', async () => {
    const { stdout } = await cli('replay', FLOWS, MANIFESTS);
    const section = stdout.slice(stdout.indexOf('DROPPED, but the policies would allow it'), stdout.indexOf('DROPPED, and denied'));
    // frontend -> api 8080 dropped at line 10, which both halves allow.
    expect(section).toContain('(the cluster disagrees with the manifests: are they what is deployed? does the CNI enforce other policies?):\n');
    expect(section).toContain('  shop/frontend -> shop/api TCP 8080: 1 flow (DROPPED: 1 POLICY_DENIED), line 10; allowed by shop/frontend-egress egress[0], shop/api-ingress ingress[0]\n');
  });

  test('a drop for a reason other than policy is listed apart, not as a disagreement', async () => {
    const { stdout } = await cli('replay', FLOWS, MANIFESTS, '-o', 'json');
    const groups = JSON.parse(stdout).groups as ReplayGroup[];
    const stale = groups.find(g => g.firstLine === 15)!;
    expect(stale).toMatchObject({ outcome: 'drop-other', observed: 'dropped-other', dropReasons: { STALE_OR_UNROUTABLE_IP: 1 } });
    expect(groups.filter(g => g.outcome === 'drop-disagrees').map(g => g.firstLine)).toEqual([10]);
  });

  test('bad records are skipped and reported with their line, as from-flows reports them', async () => {
    const { stderr } = await cli('replay', FLOWS, MANIFESTS);
    expect(stderr).toContain(`warning: ${FLOWS}:16: flow.source.namespace "Shop_NS": namespace name "Shop_NS" is not a DNS-1123 label`);
    expect(stderr).toContain(`error: ${FLOWS}:17: truncated JSON`);
    expect(stderr).toContain(`info: ${FLOWS}: 16 flow records: 12 connection starts kept (1 AUDIT, 4 DROPPED), 3 replies`);
  });

  test('exits 0 when no observed connection would be denied', async () => {
    // GIVEN only lines 1-5: frontend -> api, DNS, and their replies
    const file = path.join(dir, 'allowed.jsonl');
    fs.writeFileSync(file, fixtureText('replay/shop.jsonl').split('\n').slice(0, 5).join('\n') + '\n');
    const result = await cli('replay', file, MANIFESTS);
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${file}: 3 connection starts in 2 groups: 0 would be denied (0 flows), 2 allowed (3 flows)\n`);
  });

  test('md is a pull request comment: a title, the summary, a table per section and the explanations', async () => {
    const { code, stdout } = await cli('replay', FLOWS, MANIFESTS, '--output', 'md');
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe('### cdk8s-netpol replay: 3 observed connections would be denied (3 flows)');
    expect(stdout).toContain('| `shop/api` | `shop/db` | TCP 5432 | 1 flow (1 FORWARDED) | 6 | denied by `shop/default-deny-all`, `shop/allow-dns` |');
    expect(stdout).toContain('| `shop/frontend` | `shop/db` | TCP 5432 | 2 flows (DROPPED: 2 POLICY_DENIED) | 8 to 9 | denied by `shop/default-deny-all`, `shop/allow-dns`, `shop/frontend-egress` |');
    expect(stdout).toContain('<details><summary>Why</summary>\n\n- shop/api may not connect to shop/db on TCP 5432:');
  });

  test('bad input exits 2 with one clear line: a missing flow file, a capture without connection starts, an unknown format, a missing manifest path', async () => {
    const missing = await cli('replay', path.join(dir, 'nope.jsonl'), MANIFESTS);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: `error: ${path.join(dir, 'nope.jsonl')}: cannot read the flow file (no such file). Give the output of "hubble observe -o json > flows.jsonl" as the first argument, then the manifests.\n` });
    const repliesOnly = path.join(dir, 'replies.jsonl');
    fs.writeFileSync(repliesOnly, [3, 5].map(n => fixtureText('replay/shop.jsonl').split('\n')[n - 1]).join('\n') + '\n');
    const empty = await cli('replay', repliesOnly, MANIFESTS);
    expect(empty.code).toBe(2);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain(`error: ${repliesOnly}: no usable flow (no FORWARDED, AUDIT or DROPPED connection start with TCP, UDP or SCTP ports and valid values; see above); nothing replayed.`);
    const format = await cli('replay', FLOWS, MANIFESTS, '--output', 'html');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("error: option '-o, --output <format>' argument 'html' is invalid. Use one of txt, md, json, e.g. --output md.");
    const noPath = await cli('replay', FLOWS, path.join(dir, 'none'));
    expect(noPath.code).toBe(2);
    expect(noPath.stderr).toContain('could not be read (see above); nothing replayed. Check the PATH arguments.');
  });

  test('the help names the command, its arguments and the exit codes', async () => {
    const top = await cli('--help');
    expect(top.stdout).toMatch(/replay \[options\] <flows> <path\.\.\.>\s+Replay observed Hubble flows\s+against\s+NetworkPolicies/);
    const help = await cli('replay', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('  1  at least one would be denied (the report is printed and lists them)');
  });
});

/** One wrapped Hubble record between two ends. */
function record(source: object, destination: object, ips: [string, string], port: number, extra: object = {}): string {
  const flow = {
    time: '2026-11-24T08:31:00.000000Z', verdict: 'FORWARDED', IP: { source: ips[0], destination: ips[1], ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 40112, destination_port: port, flags: { SYN: true } } }, source, destination, Type: 'L3_L4', traffic_direction: 'EGRESS', is_reply: false, ...extra,
  };
  return JSON.stringify({ flow, node_name: 'kind-worker', time: flow.time });
}

/** A pod end as Hubble records it: labels as `k8s:key=value`, with Cilium's bookkeeping labels. */
function hubblePod(namespace: string, workload: string | undefined, labels: { [k: string]: string }, namespaceLabels: { [k: string]: string } = {}): object {
  return {
    namespace,
    labels: [
      ...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`),
      ...Object.entries({ 'kubernetes.io/metadata.name': namespace, ...namespaceLabels }).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
      `k8s:io.kubernetes.pod.namespace=${namespace}`, 'k8s:io.cilium.k8s.policy.cluster=default',
    ],
    pod_name: `${workload ?? 'pod'}-6c4d9b8f7-m2wzn`,
    ...(workload ? { workloads: [{ name: workload, kind: 'Deployment' }] } : {}),
  };
}

/** A Deployment of namespace shop whose pods carry `labels` and, if given, expose the named ports (name → number). */
const DEPLOYMENT = (name: string, labels: object, ports: { [name: string]: number } = {}) => {
  const containerPorts = Object.entries(ports).map(([n, p]) => ({ name: n, containerPort: p }));
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: ${JSON.stringify(labels)}}
  template:
    metadata: {labels: ${JSON.stringify(labels)}}
    spec: {containers: [{name: main, image: example${containerPorts.length > 0 ? `, ports: ${JSON.stringify(containerPorts)}` : ''}}]}
`;
};

const DENY_INGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;

/** Namespace shop with api (app=api) under a default deny for ingress, plus `more` documents. */
function manifests(...more: string[]) {
  const { cluster, diagnostics } = loadText(['apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n', DEPLOYMENT('api', { app: 'api' }), DENY_INGRESS, ...more].join('---\n'));
  expect(diagnostics.filter(d => d.severity === 'error')).toEqual([]);
  return cluster;
}

describe('replayHubbleFlows: matching the flows to the manifests', () => {
  test('a connection an Admin-tier cluster policy decides names that policy\'s rule', () => {
    // GIVEN an AdminNetworkPolicy that accepts web -> api on 8080 although the default deny would cut it
    const cluster = manifests(`apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: web-to-api}
spec:
  priority: 5
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}
  ingress: [{name: web, action: Allow, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}]
`);
    const text = record(hubblePod('shop', 'web', { app: 'web' }), hubblePod('shop', 'api', { app: 'api' }), ['10.244.1.5', '10.244.2.9'], 8080);
    // WHEN
    const result = replayHubbleFlows(cluster, text, 'f.jsonl');
    // THEN allowed, and the deciding rule is the admin policy's ingress rule (egress is not isolated)
    expect(result.groups.map(g => [g.outcome, g.decidedBy])).toEqual([['allowed', ['AdminNetworkPolicy web-to-api ingress[0]']]]);
  });

  test('a pod is evaluated with its recorded labels: a canary label the template lacks decides which policy selects it', () => {
    // GIVEN an allow for api pods labelled track=canary only, and a canary pod of api (its template says app=api only)
    const cluster = manifests(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-canary-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api, track: canary}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]
`);
    const web = hubblePod('shop', 'web', { app: 'web' });
    const text = [
      record(web, hubblePod('shop', 'api', { app: 'api', track: 'canary' }), ['10.244.1.5', '10.244.2.9'], 8080),
      record(web, hubblePod('shop', 'api', { app: 'api' }), ['10.244.1.5', '10.244.2.10'], 8080),
    ].join('\n');
    // WHEN
    const result = replayHubbleFlows(cluster, text, 'f.jsonl');
    // THEN the canary pod is selected by api-canary-from-web, which admits web; the stable pod only by the default deny
    const [denied, allowed] = [result.groups[0], result.groups[1]];
    expect(allowed).toMatchObject({ outcome: 'allowed', decidedBy: ['shop/api-canary-from-web ingress[0]'] });
    expect(allowed.destination).toMatchObject({ kind: 'workload', workload: 'Deployment shop/api', extraLabels: { track: 'canary' } });
    expect(denied).toMatchObject({ outcome: 'would-deny', decidedBy: ['shop/default-deny-ingress'], destination: { kind: 'workload', name: 'shop/api' } });
    expect(denied.destination.extraLabels).toBeUndefined();
    // AND web, which the manifests do not have, is a would-be pod with its recorded labels
    expect(denied.source).toMatchObject({ kind: 'pod', name: 'shop/web', labels: { app: 'web' } });
  });

  test('a namespace the manifests do not declare gets the labels Cilium recorded for it, which namespaceSelectors then match', () => {
    // GIVEN api admits every pod of namespaces labelled team=observability
    const cluster = manifests(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-observability, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: observability}}}]}]
`);
    const api = hubblePod('shop', 'api', { app: 'api' });
    const text = [
      record(hubblePod('monitoring', 'prometheus', { app: 'prometheus' }, { team: 'observability' }), api, ['10.244.3.2', '10.244.2.9'], 9090),
      record(hubblePod('payments', 'scraper', { app: 'prometheus' }, { team: 'payments' }), api, ['10.244.4.2', '10.244.2.9'], 9090),
    ].join('\n');
    const result = replayHubbleFlows(cluster, text);
    expect(result.groups.map(g => [g.source.name, g.outcome])).toEqual([['payments/scraper', 'would-deny'], ['monitoring/prometheus', 'allowed']]);
    expect(result.notes).toContain('namespace monitoring is not declared in the manifests: it was given the labels Cilium recorded for it, {kubernetes.io/metadata.name=monitoring,team=observability}');
  });

  test('addresses outside the cluster are judged by IP; addresses every ipBlock treats alike share one group', () => {
    // GIVEN api admits 198.51.100.0/24 on 443
    const cluster = manifests(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-partners, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{ipBlock: {cidr: 198.51.100.0/24}}], ports: [{port: 443}]}]
`);
    const api = hubblePod('shop', 'api', { app: 'api' });
    const client = { identity: 2, labels: ['reserved:world'] };
    const text = ['198.51.100.9', '198.51.100.7', '192.0.2.1', '198.51.100.9'].map(ip => record(client, api, [ip, '10.244.2.9'], 443)).join('\n');
    const result = replayHubbleFlows(cluster, text);
    expect(result.groups.map(g => [g.outcome, g.source.name, g.flows])).toEqual([['would-deny', '192.0.2.1', 1], ['allowed', '198.51.100.7, 198.51.100.9', 3]]);
    expect(result.groups[1].source).toMatchObject({ kind: 'address', addresses: ['198.51.100.7', '198.51.100.9'], addressCount: 2, identities: ['reserved:world'] });
    expect(result.groups[1].decidedBy).toEqual(['shop/api-from-partners ingress[0]']);
  });

  test('another node (reserved:remote-node) is an address like any other, unlike the pod\'s own node', () => {
    const cluster = manifests();
    const api = hubblePod('shop', 'api', { app: 'api' });
    const text = [
      record({ identity: 6, labels: ['reserved:remote-node'] }, api, ['172.18.0.3', '10.244.2.9'], 8080),
      record({ identity: 1, labels: ['reserved:host'] }, api, ['172.18.0.2', '10.244.2.9'], 8080),
    ].join('\n');
    const result = replayHubbleFlows(cluster, text);
    expect(result.groups.map(g => [g.source.name, g.outcome])).toEqual([['172.18.0.3', 'would-deny'], ['reserved:host', 'allowed']]);
  });

  test('a pod whose labels an export field mask removed is matched by its workload name, or not evaluated', () => {
    const cluster = manifests();
    const web = hubblePod('shop', 'web', { app: 'web' });
    const { labels: _a, ...api } = hubblePod('shop', 'api', { app: 'api' }) as { labels: string[] };
    const { labels: _b, ...cache } = hubblePod('shop', 'cache', { app: 'cache' }) as { labels: string[] };
    const text = [record(web, api, ['10.244.1.5', '10.244.2.9'], 8080), record(web, cache, ['10.244.1.5', '10.244.2.11'], 6379)].join('\n');
    const result = replayHubbleFlows(cluster, text, 'f.jsonl');
    // api is Deployment shop/api of the manifests, isolated by the default deny; cache is unknown to them
    expect(result.groups.map(g => [g.outcome, key(g)])).toEqual([['would-deny', 'shop/web -> shop/api TCP 8080'], ['not-evaluated', 'shop/web -> shop/cache (labels not recorded) TCP 6379']]);
    expect(result.notes.join('\n')).toContain('shop/cache: the flows record no labels for its pods (an export field mask that leaves out source.labels / destination.labels?)');
  });

  test('labels that differ from the same-named workload of the manifests are noted, and the observed labels decide', () => {
    const cluster = manifests(DEPLOYMENT('web', { app: 'web', tier: 'frontend' }));
    const text = record(hubblePod('shop', 'web', { app: 'web' }), hubblePod('shop', 'api', { app: 'api' }), ['10.244.1.5', '10.244.2.9'], 8080);
    const result = replayHubbleFlows(cluster, text);
    expect(result.groups[0].source).toMatchObject({ kind: 'pod', name: 'shop/web' });
    expect(result.notes).toContain('Deployment shop/web: the manifests give its pods the labels {app=web,tier=frontend}, but the observed pods carry {app=web}; they were evaluated with the observed labels (are the manifests what is deployed?)');
  });
});

describe('replayObservedFlows: work shared between groups gives each group its own answer', () => {
  test('pods match the workload Hubble names, else the one with most labels, whichever label of theirs the templates start with', () => {
    // GIVEN templates that start with different labels: tier-only {tier=web}, two-labelled {app=web,tier=web} written
    // in both orders, and {app=other}
    const cluster = manifests(
      DEPLOYMENT('tier-only', { tier: 'web' }),
      DEPLOYMENT('app-first', { app: 'web', tier: 'web' }),
      DEPLOYMENT('tier-first', { tier: 'web', app: 'web' }),
      DEPLOYMENT('other', { app: 'other' }),
    );
    const api = pod('shop', 'api', { app: 'api' });
    // WHEN pods {app=web,tier=web} of tier-only (named by Hubble) and of a workload the manifests do not name connect
    const result = replayObservedFlows(cluster, [
      flow(pod('shop', 'tier-only', { app: 'web', tier: 'web' }), api, 'TCP', 8080),
      flow(pod('shop', 'unnamed', { app: 'web', tier: 'web' }), api, 'TCP', 8080),
    ]);
    // THEN the named one is tier-only (it matches, with fewer labels); the other is, of the two with the most
    // matching labels, app-first (first by kind, namespace and name), and the tie is noted
    expect(result.groups.map(g => [g.source.name, g.source.workload])).toEqual([
      ['shop/app-first', 'Deployment shop/app-first'],
      ['shop/tier-only', 'Deployment shop/tier-only'],
    ]);
    expect(result.notes).toContain('pods shop/{app=web,tier=web} match Deployment shop/app-first and Deployment shop/tier-first equally; evaluated as Deployment shop/app-first (the policies see the same labels either way; only named ports can differ)');
  });

  test('of two same-named workloads whose templates both match, the pod matches the kind Hubble names', () => {
    // GIVEN a Deployment and a StatefulSet both named web, the Deployment first, with templates a db pod matches both
    const statefulSet = DEPLOYMENT('web', { app: 'web', tier: 'db' }).replace('apps/v1\nkind: Deployment', 'apps/v1\nkind: StatefulSet');
    const cluster = manifests(DEPLOYMENT('web', { app: 'web' }), statefulSet);
    const api = pod('shop', 'api', { app: 'api' });
    // WHEN a pod Hubble records as StatefulSet web, and one it records as Deployment web, connect
    const result = replayObservedFlows(cluster, [
      flow({ ...pod('shop', 'web', { app: 'web', tier: 'db' }), workloadKind: 'StatefulSet' }, api, 'TCP', 8080),
      flow(pod('shop', 'web', { app: 'web', tier: 'db' }, 'q8r2t'), api, 'TCP', 9090),
    ]);
    // THEN each is matched to the workload of its kind (the StatefulSet's template has every label of the pod)
    expect(result.groups.map(g => [g.port, g.source.workload, g.source.extraLabels])).toEqual([
      [8080, 'StatefulSet shop/web', undefined],
      [9090, 'Deployment shop/web', { tier: 'db' }],
    ]);
  });

  test('each group\'s verdict is the one explaining its two workloads on their own gives, though pairs of classes share them', () => {
    // GIVEN two web classes (stable, canary) under one egress policy, two api classes whose named port http is 8080
    // on one and 9090 on the other, ingress to api from web on http only, and db, which no rule admits
    const cluster = manifests(
      DEPLOYMENT('web-stable', { app: 'web', track: 'stable' }),
      DEPLOYMENT('web-canary', { app: 'web', track: 'canary' }),
      DEPLOYMENT('api-8080', { app: 'api', version: 'a' }, { http: 8080 }),
      DEPLOYMENT('api-9090', { app: 'api', version: 'b' }, { http: 9090 }),
      DEPLOYMENT('db', { app: 'db' }),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 8080}, {port: 9090}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]
`);
    const ends = [
      pod('shop', 'web-stable', { app: 'web', track: 'stable' }), pod('shop', 'web-canary', { app: 'web', track: 'canary' }),
      pod('shop', 'api-8080', { app: 'api', version: 'a' }), pod('shop', 'api-9090', { app: 'api', version: 'b' }), pod('shop', 'db', { app: 'db' }),
    ];
    // WHEN every end connects to every other on 8080 and 9090
    const flows = ends.flatMap(s => ends.filter(d => d !== s).flatMap(d => [flow(s, d, 'TCP', 8080), flow(s, d, 'TCP', 9090)]));
    const result = replayObservedFlows(cluster, flows);
    // THEN every group says what explaining that connection alone says
    const analysis = Analysis.of(cluster);
    expect(result.groups).toHaveLength(flows.length);
    for (const g of result.groups) {
      const alone = analysis.explain(g.source.name, g.destination.name, g.port);
      expect([key(g), g.allowed, g.explanation]).toEqual([key(g), alone.allowed, alone.text]);
    }
    // AND the named port decides between the two api classes, which the policies otherwise treat alike
    const allowed = result.groups.filter(g => g.allowed).map(key).sort();
    expect(allowed).toEqual([
      'shop/web-canary -> shop/api-8080 TCP 8080', 'shop/web-canary -> shop/api-9090 TCP 9090',
      'shop/web-stable -> shop/api-8080 TCP 8080', 'shop/web-stable -> shop/api-9090 TCP 9090',
    ]);
  });
});

describe('replayObservedFlows: only what the flows show is analysed', () => {
  test('workloads no flow shows change no verdict, and many ends never share a group by accident', () => {
    // GIVEN 13 web workloads and 13 api workloads (named port http on 8080), ingress to api from web on http, and
    // workloads no flow shows: a second api with http on 9090 and the same labels but one, and a namespace's worth of
    // pods that api's namespaceSelector peer also admits
    const webs = Array.from({ length: 13 }, (_, i) => `web-${i}`);
    const apis = Array.from({ length: 13 }, (_, i) => `api-${i}`);
    const cluster = manifests(
      ...webs.map(w => DEPLOYMENT(w, { app: 'web', n: w })),
      ...apis.map(a => DEPLOYMENT(a, { app: 'api', n: a }, { http: 8080 })),
      DEPLOYMENT('api-unseen', { app: 'api', n: 'api-0', extra: 'x' }, { http: 9090 }),
      `apiVersion: v1
kind: Namespace
metadata: {name: tools, labels: {team: tools}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: probe, namespace: tools}
spec:
  selector: {matchLabels: {app: probe}}
  template: {metadata: {labels: {app: probe}}, spec: {containers: [{name: main, image: example}]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}, {namespaceSelector: {matchLabels: {team: tools}}}], ports: [{port: http}]}]
`);
    // WHEN every web connects to every api on 8080 and 9090
    const flows = webs.flatMap(w => apis.flatMap(a => [
      flow(pod('shop', w, { app: 'web', n: w }), pod('shop', a, { app: 'api', n: a }), 'TCP', 8080),
      flow(pod('shop', w, { app: 'web', n: w }), pod('shop', a, { app: 'api', n: a }), 'TCP', 9090),
    ]));
    const result = replayObservedFlows(cluster, flows);
    // THEN one group per flow (ends numbered 1 and 12 are not ends 11 and 2), each saying what the analysis of the
    // whole cluster says of that connection
    expect(result.groups).toHaveLength(flows.length);
    expect(new Set(result.groups.map(key)).size).toBe(flows.length);
    const analysis = Analysis.of(cluster);
    for (const g of result.groups) {
      const alone = analysis.explain(g.source.name, g.destination.name, g.port);
      expect([key(g), g.allowed, g.explanation, g.decidedBy]).toEqual([key(g), alone.allowed, alone.text, g.allowed ? ['shop/api-from-web ingress[0]'] : ['shop/default-deny-ingress', 'shop/api-from-web']]);
    }
    expect(result.groups.filter(g => g.allowed).map(g => g.port)).toEqual(Array(13 * 13).fill(8080));
  });
});

describe('parseHubbleFlows: keepDropped', () => {
  const web = hubblePod('shop', 'web', { app: 'web' });
  const api = hubblePod('shop', 'api', { app: 'api' });
  const text = [
    record(web, api, ['10.244.1.5', '10.244.2.9'], 8080),
    record(web, api, ['10.244.1.5', '10.244.2.9'], 5432, { verdict: 'DROPPED', drop_reason: 133, drop_reason_desc: 'POLICY_DENIED' }),
    record(web, api, ['10.244.1.5', '10.244.2.9'], 6379, { verdict: 2, drop_reason: 181 }),
    record(web, api, ['10.244.1.5', '10.244.2.9'], 9090, { verdict: 'DROPPED' }),
  ].join('\n');

  test('by default DROPPED starts are counted and ignored, as before', () => {
    const { flows, stats, diagnostics } = parseHubbleFlows(text, 'f.jsonl');
    expect(flows.map(f => f.line)).toEqual([1]);
    expect(stats).toMatchObject({ kept: 1, dropped: 3 });
    expect(diagnostics.map(d => d.message)).toContain('f.jsonl: 3 DROPPED flows ignored: dropped traffic is never turned into an allow. If it should be allowed, add it by hand after review');
  });

  test('with keepDropped they are kept with their drop reason (by name, by number, or none)', () => {
    const { flows, stats, diagnostics } = parseHubbleFlows(text, 'f.jsonl', { keepDropped: true });
    expect(flows.map(f => [f.line, f.verdict, f.dropReason])).toEqual([[1, 'FORWARDED', undefined], [2, 'DROPPED', 'POLICY_DENIED'], [3, 'DROPPED', 'POLICY_DENY'], [4, 'DROPPED', undefined]]);
    expect('dropReason' in flows[0]).toBe(false);
    expect(stats).toMatchObject({ kept: 4, dropped: 3 });
    expect(diagnostics.map(d => d.message)).toContain('f.jsonl: 4 flow records: 4 connection starts kept (0 AUDIT, 3 DROPPED), 0 replies and 0 L7 or non-TCP/UDP/SCTP records skipped');
    expect(diagnostics.map(d => d.message).join('\n')).not.toContain('DROPPED flows ignored');
  });
});

describe('replayObservedFlows: grouping', () => {
  test('groups by observation, ends, protocol and port, counting flows and keeping the first and last line', () => {
    const cluster = manifests();
    const web = pod('shop', 'web', { app: 'web' });
    const api = pod('shop', 'api', { app: 'api' });
    // GIVEN 1000 forwarded flows web -> api 8080, two dropped ones, and one to 9090 (rollouts change pod-template-hash, not the group)
    const flows = [
      ...Array.from({ length: 1000 }, (_, i) => flow(web, api, 'TCP', 8080, { line: i + 1 })),
      flow(web, api, 'TCP', 8080, { line: 1001, verdict: 'DROPPED', dropReason: 'POLICY_DENIED' }),
      flow({ ...web, labels: web.labels.map(l => l.replace(/pod-template-hash=.*/, 'pod-template-hash=0a1b2c3d4')) }, api, 'TCP', 8080, { line: 1002, verdict: 'DROPPED' }),
      flow(web, api, 'TCP', 9090, { line: 1003, verdict: 'AUDIT' }),
    ];
    const result = replayObservedFlows(cluster, flows);
    expect(result.groups.map(g => [g.outcome, g.port, g.flows, g.firstLine, g.lastLine])).toEqual([
      ['would-deny', 8080, 1000, 1, 1000],
      ['would-deny', 9090, 1, 1003, 1003],
      ['drop-explained', 8080, 2, 1001, 1002],
    ]);
    // A drop without a recorded reason is taken as a policy drop
    expect(result.groups[2].dropReasons).toEqual({ 'POLICY_DENIED': 1, 'not recorded': 1 });
    expect(result.counts['would-deny']).toEqual({ groups: 2, flows: 1001 });
  });

  test('a connection between two addresses outside the cluster is not governed by NetworkPolicies', () => {
    const result = replayObservedFlows(manifests(), [flow(world('192.0.2.1'), world('198.51.100.1'), 'TCP', 443)]);
    expect(result.groups[0]).toMatchObject({ outcome: 'allowed', decidedBy: [] });
    expect(result.groups[0].explanation).toContain('neither end is a pod of the cluster');
  });
});

describe('replayObservedFlows: the groups as data', () => {
  test('what decides and the explanation, worked out when read, enumerate, serialize and compare as plain members', () => {
    // GIVEN a capture with an allowed (egress of web is not isolated), a denied and an unevaluated group
    const cluster = manifests(DEPLOYMENT('web', { app: 'web' }));
    const web = pod('shop', 'web', { app: 'web' });
    const api = pod('shop', 'api', { app: 'api' });
    const result = replayObservedFlows(cluster, [
      flow(web, world('192.0.2.1'), 'TCP', 443), flow(web, api, 'TCP', 8080), flow(web, { ...api, labels: [], labelsMissing: true, workloadName: 'gone' }, 'TCP', 8080),
    ]);
    expect(result.groups.map(g => g.outcome)).toEqual(['would-deny', 'not-evaluated', 'allowed']);
    for (const g of result.groups) {
      // THEN each group's members are listed in the JSON report's order, decidedBy and explanation last
      const plain = JSON.parse(JSON.stringify(g));
      expect(Object.keys(g)).toEqual(Object.keys(plain));
      expect(Object.keys(g).slice(-2)).toEqual(['decidedBy', 'explanation']);
      // AND a copy, a comparison and a second read see the same values
      expect({ ...g }).toEqual(plain);
      expect(g).toEqual(plain);
      expect([g.explanation, g.decidedBy]).toEqual([plain.explanation, plain.decidedBy]);
    }
    // AND a caller changing the array it read changes no later read
    const denied = result.groups[0];
    denied.decidedBy.push('something else');
    expect(denied.decidedBy).toEqual(['shop/default-deny-ingress']);
    expect(denied.explanation).toBe(Analysis.of(cluster).explain('shop/web', 'shop/api', 8080).text);
  });

  test('groups are in outcome order, then by source name, destination name, protocol, port and observed verdict (random captures)', () => {
    // GIVEN pods of two workloads (one under the default deny), addresses (two every ipBlock treats alike, so their
    // groups merge under a two-address name), any port, protocol and verdict
    const cluster = manifests(DEPLOYMENT('web', { app: 'web' }));
    const ends = [pod('shop', 'web', { app: 'web' }), pod('shop', 'api', { app: 'api' }), world('192.0.2.1'), world('192.0.2.2'), world('198.51.100.7')];
    const flowArb = fc.record({
      source: fc.nat({ max: ends.length - 1 }), destination: fc.nat({ max: ends.length - 1 }), port: fc.constantFrom(53, 80, 8080),
      protocol: fc.constantFrom<FlowProtocol>('TCP', 'UDP', 'SCTP'), verdict: fc.constantFrom('FORWARDED', 'AUDIT', 'DROPPED'),
      dropReason: fc.constantFrom(undefined, 'POLICY_DENIED', 'UNKNOWN_CONNECTION_TRACKING_STATE'),
    });
    fc.assert(fc.property(fc.array(flowArb, { minLength: 1, maxLength: 30 }), records => {
      const flows = records.map(r => flow(ends[r.source], ends[r.destination], r.protocol, r.port, { verdict: r.verdict, ...(r.verdict === 'DROPPED' && r.dropReason ? { dropReason: r.dropReason } : {}) }));
      const groups = replayObservedFlows(cluster, flows).groups;
      // THEN the order is the documented one, worked out here from the groups' own members
      const order = (g: ReplayGroup) => [REPLAY_OUTCOMES.indexOf(g.outcome), g.source.name, g.destination.name, g.protocol, g.port, g.observed] as const;
      const compare = (a: ReplayGroup, b: ReplayGroup) => {
        const [x, y] = [order(a), order(b)];
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
        return 0;
      };
      expect(groups.map(key)).toEqual([...groups].sort(compare).map(key));
      // AND no flow is lost
      expect(groups.reduce((n, g) => n + g.flows, 0)).toBe(flows.length);
    }), { numRuns: 200 });
  });
});
