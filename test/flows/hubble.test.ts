import { parseHubbleFlows } from '../../lib/flows/hubble';
import { fixtureText } from './support';

/** One wrapped Hubble record. */
function record(flow: object): string {
  return JSON.stringify({ flow, node_name: 'kind-worker', time: '2026-11-20T09:14:02Z' });
}

const api = { namespace: 'shop', labels: ['k8s:app=api', 'k8s:io.kubernetes.pod.namespace=shop'], pod_name: 'api-5d4b8c7f9-m7wq2', workloads: [{ name: 'api', kind: 'Deployment' }] };
const web = { namespace: 'shop', labels: ['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=shop'], pod_name: 'web-7c9f8d6b5-x2k4j' };
const tcp = (port: number) => ({ TCP: { source_port: 40112, destination_port: port, flags: { SYN: true } } });
const base = { verdict: 'FORWARDED', IP: { source: '10.244.1.5', destination: '10.244.2.9', ipVersion: 'IPv4' }, source: web, destination: api, l4: tcp(8080), Type: 'L3_L4', traffic_direction: 'EGRESS', is_reply: false };

describe('parseHubbleFlows', () => {
  test('reads wrapped records (hubble 0.11+) and bare records (older) alike', () => {
    // GIVEN the same flow in both wrappings
    const text = [record(base), JSON.stringify(base)].join('\n');
    // WHEN parsed
    const { flows, stats } = parseHubbleFlows(text, 'flows.jsonl');
    // THEN both are flows with the same content and their own line numbers
    expect(flows.map(f => f.line)).toEqual([1, 2]);
    expect(flows[0]).toEqual({ ...flows[1], line: 1 });
    expect(flows[0]).toMatchObject({ protocol: 'TCP', port: 8080, verdict: 'FORWARDED', direction: 'EGRESS' });
    expect(flows[0].source).toMatchObject({ namespace: 'shop', podName: 'web-7c9f8d6b5-x2k4j', ip: '10.244.1.5' });
    expect(flows[0].destination).toMatchObject({ workloadName: 'api', workloadKind: 'Deployment', ip: '10.244.2.9' });
    expect(stats).toMatchObject({ lines: 2, records: 2, kept: 2, unreadable: 0 });
  });

  test('reports a truncated line with its number and skips it', () => {
    // GIVEN a capture whose third line was cut off
    const text = [record(base), record(base), record(base).slice(0, 120)].join('\n');
    // WHEN parsed
    const { flows, diagnostics } = parseHubbleFlows(text, 'flows.jsonl');
    // THEN two flows, and an error naming the file, line 3, the problem and the fix
    expect(flows).toHaveLength(2);
    const error = diagnostics.find(d => d.severity === 'error')!;
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^flows\.jsonl:3: truncated JSON \(.*\); the line was skipped\. Re-export the flows, or delete the partial line/);
  });

  test('reports a line that is not JSON, and records that are not flows, each with its number', () => {
    // GIVEN the damaged fixture: a log line (2), a node status (3), a blank line, lost events (6), a truncated line (7)
    const { flows, diagnostics, stats } = parseHubbleFlows(fixtureText('damaged.jsonl'), 'damaged.jsonl');
    // THEN the two good flows are kept and every bad line is reported, by number
    expect(flows.map(f => f.line)).toEqual([1, 5]);
    expect(diagnostics.filter(d => d.line !== undefined).map(d => [d.line, d.severity])).toEqual([[2, 'error'], [3, 'warning'], [6, 'warning'], [7, 'error']]);
    expect(diagnostics.find(d => d.line === 2)!.message).toMatch(/^damaged\.jsonl:2: not JSON .*the line starts with "level=warning.*Give the output of "hubble observe -o json"/);
    expect(diagnostics.find(d => d.line === 3)!.message).toMatch(/^damaged\.jsonl:3: not a flow record \(keys: node_status, node_name, time\); the line was skipped/);
    expect(diagnostics.find(d => d.line === 7)!.message).toMatch(/^damaged\.jsonl:7: truncated JSON/);
    expect(diagnostics.map(d => d.message)).toContain('damaged.jsonl: 4 unreadable lines skipped (see the lines above)');
    expect(stats.unreadable).toBe(4);
  });

  test('skips replies: is_reply true, or a SYN-ACK when is_reply is not recorded', () => {
    // GIVEN a request, its reply, and a SYN-ACK without is_reply
    const reply = { ...base, source: api, destination: web, l4: { TCP: { source_port: 8080, destination_port: 40112, flags: { SYN: true, ACK: true } } } };
    const { is_reply: _, ...synAck } = reply as { is_reply?: boolean };
    const text = [record(base), record({ ...reply, is_reply: true }), record(synAck)].join('\n');
    // WHEN parsed
    const { flows, stats } = parseHubbleFlows(text);
    // THEN only the request is a connection start
    expect(flows.map(f => f.line)).toEqual([1]);
    expect(stats.replies).toBe(2);
  });

  test('skips L7 records and records without TCP/UDP/SCTP ports', () => {
    const l7 = { ...base, Type: 'L7', l4: { UDP: { source_port: 5353, destination_port: 53 } }, l7: { type: 'REQUEST', dns: { query: 'api.shop.svc.cluster.local.' } } };
    const icmp = { ...base, l4: { ICMPv4: { type: 8 } } };
    const { flows, stats } = parseHubbleFlows([record(l7), record(icmp), record(base)].join('\n'));
    expect(flows.map(f => f.line)).toEqual([3]);
    expect(stats.notL4).toBe(2);
  });

  test('keeps FORWARDED and AUDIT, counts DROPPED and other verdicts, and says so', () => {
    // GIVEN one flow of each verdict (AUDIT also as Hubble's enum number 4)
    const text = ['FORWARDED', 'AUDIT', 'DROPPED', 'DROPPED', 'ERROR'].map(verdict => record({ ...base, verdict })).concat(record({ ...base, verdict: 4 })).join('\n');
    // WHEN parsed
    const { flows, stats, diagnostics } = parseHubbleFlows(text, 'f.jsonl');
    // THEN
    expect(flows.map(f => f.verdict)).toEqual(['FORWARDED', 'AUDIT', 'AUDIT']);
    expect(stats).toMatchObject({ kept: 3, audited: 2, dropped: 2, otherVerdicts: { ERROR: 1 } });
    const messages = diagnostics.map(d => d.message);
    expect(messages).toContain('f.jsonl: 2 DROPPED flows ignored: dropped traffic is never turned into an allow. If it should be allowed, add it by hand after review');
    expect(messages).toContain('f.jsonl: flows with other verdicts ignored: 1 ERROR');
    expect(messages[0]).toBe('f.jsonl: 6 flow records: 3 connection starts kept (2 AUDIT), 0 replies and 0 L7 or non-TCP/UDP/SCTP records skipped');
  });

  test('names a reserved identity recorded only by number', () => {
    const external = { ...base, source: { identity: 2 }, IP: { source: '192.0.2.7', destination: '10.244.2.9', ipVersion: 'IPv4' } };
    const { flows } = parseHubbleFlows(record(external));
    expect(flows[0].source).toEqual({ labels: ['reserved:world'], identity: 2, ip: '192.0.2.7', namespace: undefined, podName: undefined, workloadName: undefined, workloadKind: undefined });
  });

  test('reads UDP and SCTP ports and destination names', () => {
    const udp = { ...base, l4: { UDP: { source_port: 40000, destination_port: 514 } }, destination_names: ['logs.example.com'] };
    const sctp = { ...base, l4: { SCTP: { source_port: 40000, destination_port: 3868 } } };
    const { flows } = parseHubbleFlows([record(udp), record(sctp)].join('\r\n'));
    expect(flows.map(f => [f.protocol, f.port, f.destinationNames])).toEqual([['UDP', 514, ['logs.example.com']], ['SCTP', 3868, []]]);
  });

  test('the shop fixture: every kind of record is accounted for', () => {
    const { stats, diagnostics } = parseHubbleFlows(fixtureText('shop.jsonl'), 'shop.jsonl');
    expect(stats).toMatchObject({ lines: 69, records: 69, kept: 51, audited: 8, replies: 11, notL4: 5, dropped: 2, unreadable: 0 });
    expect(diagnostics.every(d => d.severity === 'info')).toBe(true);
  });
});
