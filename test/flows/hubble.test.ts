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
    expect(error.message).toMatch(/^flows\.jsonl:3: truncated JSON \(the input ends inside a string\); the line was skipped\. Re-export the flows, or delete the partial record/);
  });

  test('reports a line that is not JSON, and records that are not flows, each with its number', () => {
    // GIVEN the damaged fixture: a log line (2), a node status (3), a blank line, lost events (6), a truncated line (7)
    const { flows, diagnostics, stats } = parseHubbleFlows(fixtureText('damaged.jsonl'), 'damaged.jsonl');
    // THEN the two good flows are kept and every bad line is reported, by number
    expect(flows.map(f => f.line)).toEqual([1, 5]);
    expect(diagnostics.filter(d => d.line !== undefined).map(d => [d.line, d.severity])).toEqual([[2, 'error'], [3, 'warning'], [6, 'warning'], [7, 'error']]);
    expect(diagnostics.find(d => d.line === 2)!.message).toMatch(/^damaged\.jsonl:2: not JSON \(the line starts with "level=warning.*\); the line was skipped\. Give the output of "hubble observe -o json" \(an alias of -o jsonpb\)/);
    expect(diagnostics.find(d => d.line === 3)!.message).toMatch(/^damaged\.jsonl:3: not a flow record \(keys: node_status, node_name, time\); the record was skipped/);
    expect(diagnostics.find(d => d.line === 7)!.message).toMatch(/^damaged\.jsonl:7: truncated JSON \(the input ends inside a string\); the line was skipped/);
    expect(diagnostics.map(d => d.message)).toContain('damaged.jsonl: 4 unreadable records or lines skipped (see the lines above)');
    // AND no message advises against -o jsonpb, which -o json is an alias of
    expect(diagnostics.map(d => d.message).join('\n')).not.toMatch(/not "-o jsonpb"|not -o jsonpb/);
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

describe('parseHubbleFlows: values no NetworkPolicy can hold', () => {
  /** `base` with other labels, namespace or ports on one end. */
  const withDestination = (destination: object) => record({ ...base, destination: { ...api, ...destination } });

  test('skips a record with an invalid label value or namespace, naming its line, field, value and what is allowed, and keeps the rest', () => {
    // GIVEN good records around a label with a space, a namespace with capitals and "_", and a 64-character label value
    const long = 'x'.repeat(64);
    const text = [
      record(base),
      withDestination({ labels: ['k8s:app=bad value', 'k8s:io.kubernetes.pod.namespace=shop'] }),
      withDestination({ namespace: 'Prod_NS' }),
      withDestination({ labels: [`k8s:app=${long}`] }),
      withDestination({ labels: ['k8s:bad key=api'] }),
      record(base),
    ].join('\n');
    // WHEN parsed
    const { flows, diagnostics, stats } = parseHubbleFlows(text, 'flows.jsonl');
    // THEN the good records are kept and each bad one is reported by line
    expect(flows.map(f => f.line)).toEqual([1, 6]);
    expect(stats).toMatchObject({ records: 6, kept: 2, invalid: 4, unreadable: 0 });
    const byLine = (line: number) => diagnostics.find(d => d.line === line)!;
    expect(byLine(2)).toMatchObject({ severity: 'warning' });
    expect(byLine(2).message).toBe('flows.jsonl:2: flow.destination.labels[0] "k8s:app=bad value": label value "bad value" is not valid: use letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (or the empty string); the record was skipped, since no NetworkPolicy can hold that value');
    expect(byLine(3).message).toMatch(/^flows\.jsonl:3: flow\.destination\.namespace "Prod_NS": namespace name "Prod_NS" is not a DNS-1123 label: use lowercase letters, digits and '-'.* \(e\.g\. "prod-ns"\); the record was skipped/);
    expect(byLine(4).message).toContain(`flow.destination.labels[0] "k8s:app=${long}": label value "${long}" is 64 characters long; at most 63 are allowed`);
    expect(byLine(5).message).toContain('flow.destination.labels[0] "k8s:bad key=api": label key "bad key" is not a valid name');
    expect(diagnostics.map(d => d.message)).toContain('flows.jsonl: 4 records with values no NetworkPolicy can hold skipped (see the lines above)');
  });

  test('a label read again in other ends is reported in each end at its own place, and never when only rollouts use it', () => {
    // GIVEN the same bad label on a destination (first), on another pod's source (second), and as a rollout label
    const text = [
      withDestination({ labels: ['k8s:app=bad value'] }),
      record({ ...base, IP: { ...base.IP, source: '10.244.1.6' }, source: { ...web, pod_name: 'web-7c9f8d6b5-q8z2m', labels: ['k8s:io.kubernetes.pod.namespace=shop', 'k8s:app=bad value'] } }),
      withDestination({ labels: ['k8s:app=api', 'k8s:pod-template-hash=bad value'] }),
    ].join('\n');
    // WHEN parsed
    const { flows, diagnostics } = parseHubbleFlows(text, 'f.jsonl');
    // THEN the first two are skipped, each naming the field where it has the label; the third is kept
    expect(flows.map(f => f.line)).toEqual([3]);
    const messages = diagnostics.filter(d => d.line !== undefined).map(d => d.message.replace(/: label value .*$/, ''));
    expect(messages).toEqual(['f.jsonl:1: flow.destination.labels[0] "k8s:app=bad value"', 'f.jsonl:2: flow.source.labels[1] "k8s:app=bad value"']);
  });

  test('reports records with the same invalid value once, naming every line', () => {
    const bad = withDestination({ namespace: 'Prod_NS' });
    const { diagnostics, stats } = parseHubbleFlows([bad, record(base), bad, bad].join('\n'), 'f.jsonl');
    expect(stats.invalid).toBe(3);
    const warnings = diagnostics.filter(d => d.line !== undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/^f\.jsonl:1: flow\.destination\.namespace "Prod_NS": .*; the record was skipped, since no NetworkPolicy can hold that value \(as were 2 more records with the same value: lines 3 and 4\)$/);
  });

  test('ports outside 1-65535, missing, or not numbers are invalid; two protocols in one record too', () => {
    const ports = (l4: object) => record({ ...base, l4 });
    const text = [
      ports({ TCP: { source_port: 40112, destination_port: 0, flags: { SYN: true } } }),
      ports({ UDP: { source_port: 40112, destination_port: 70000 } }),
      ports({ TCP: { source_port: 40112, flags: { SYN: true } } }),
      ports({ SCTP: { source_port: 40112, destination_port: 'diameter' } }),
      ports({ TCP: { source_port: 40112, destination_port: 8080 }, UDP: { source_port: 40112, destination_port: 8080 } }),
      ports({ TCP: { source_port: 40112, destination_port: '8443', flags: { SYN: true } } }),
    ].join('\n');
    const { flows, diagnostics, stats } = parseHubbleFlows(text, 'f.jsonl');
    // THEN only the decimal string port (protobuf's JSON mapping accepts it) is read
    expect(flows.map(f => [f.line, f.protocol, f.port])).toEqual([[6, 'TCP', 8443]]);
    expect(stats.invalid).toBe(5);
    const messages = diagnostics.filter(d => d.line !== undefined).map(d => d.message);
    expect(messages).toEqual([
      'f.jsonl:1: flow.l4.TCP.destination_port 0: a NetworkPolicy port is an integer from 1 to 65535; the record was skipped, since no NetworkPolicy can hold that value',
      'f.jsonl:2: flow.l4.UDP.destination_port 70000: a NetworkPolicy port is an integer from 1 to 65535; the record was skipped, since no NetworkPolicy can hold that value',
      'f.jsonl:3: flow.l4.TCP.destination_port is missing (protobuf leaves out port 0), but a NetworkPolicy port is an integer from 1 to 65535; the record was skipped, since no NetworkPolicy can hold that value',
      'f.jsonl:4: flow.l4.SCTP.destination_port "diameter": a NetworkPolicy port is an integer from 1 to 65535; the record was skipped, since no NetworkPolicy can hold that value',
      'f.jsonl:5: flow.l4 holds TCP and UDP: a flow record has one protocol; the record was skipped, since no NetworkPolicy can hold that value',
    ]);
  });

  test('labels that are not strings, a namespace that is not a string, and an external address that is not one are invalid', () => {
    const external = { ...base, source: { identity: 2, labels: ['reserved:world'] }, IP: { source: '203.0.113.300', destination: '10.244.2.9', ipVersion: 'IPv4' } };
    const text = [
      withDestination({ labels: ['k8s:app=api', 42] }),
      withDestination({ labels: 'k8s:app=api' }),
      withDestination({ namespace: 7 }),
      record(external),
      JSON.stringify(external),
    ].join('\n');
    const { flows, diagnostics } = parseHubbleFlows(text, 'f.jsonl');
    expect(flows).toEqual([]);
    const messages = diagnostics.filter(d => d.line !== undefined).map(d => d.message.replace(/; the record was skipped.*$/, ''));
    expect(messages).toEqual([
      'f.jsonl:1: flow.destination.labels[1] 42: a label is a string such as "k8s:app=api"',
      'f.jsonl:2: flow.destination.labels "k8s:app=api": labels are a list of strings such as ["k8s:app=api"]',
      'f.jsonl:3: flow.destination.namespace 7: a namespace name is a string such as "production"',
      'f.jsonl:4: flow.IP.source "203.0.113.300": "203.0.113.300" is not an IPv4 or IPv6 address',
      'f.jsonl:5: IP.source "203.0.113.300": "203.0.113.300" is not an IPv4 or IPv6 address',
    ]);
  });

  test('ignores labels no selector uses (bookkeeping, rollout hashes), and values of replies and dropped records', () => {
    // GIVEN a kept record with odd bookkeeping labels, and a reply and a drop with an invalid namespace
    const odd = withDestination({ labels: ['k8s:app=api', 'k8s:io.cilium.k8s.namespace.labels.team=Platform Team', 'k8s:pod-template-hash=not valid!'] });
    const reply = record({ ...base, is_reply: true, destination: { ...api, namespace: 'Prod_NS' }, l4: { TCP: { source_port: 8080, destination_port: 40112, flags: { ACK: true } } } });
    const dropped = record({ ...base, verdict: 'DROPPED', destination: { ...api, namespace: 'Prod_NS' } });
    // THEN nothing is invalid: what never reaches a policy is not checked
    const { flows, stats } = parseHubbleFlows([odd, reply, dropped].join('\n'));
    expect(flows.map(f => f.line)).toEqual([1]);
    expect(stats).toMatchObject({ invalid: 0, replies: 1, dropped: 1 });
  });

  test('marks pods whose labels a field mask removed', () => {
    const { labels: _, ...masked } = api;
    const { flows } = parseHubbleFlows(record({ ...base, destination: masked, source: { ...web, labels: [] } }));
    expect(flows[0].destination).toMatchObject({ namespace: 'shop', labels: [], labelsMissing: true });
    expect(flows[0].source.labelsMissing).toBeUndefined();
  });
});

describe('parseHubbleFlows: replies without is_reply', () => {
  /** A TCP record between two pods, without is_reply. */
  const tcpRecord = (source: object, destination: object, ip: [string, string], ports: [number, number], flags: object, extra: object = {}) => {
    const { is_reply: _, ...rest } = base;
    return record({ ...rest, source, destination, IP: { source: ip[0], destination: ip[1], ipVersion: 'IPv4' }, l4: { TCP: { source_port: ports[0], destination_port: ports[1], flags } }, ...extra });
  };
  const WEB: [string, string] = ['10.244.1.5', '10.244.2.9'];
  const API: [string, string] = ['10.244.2.9', '10.244.1.5'];

  test('the no-is-reply fixture: only the connection starts are kept, and every reply is recognised and counted', () => {
    // GIVEN a capture whose records lack is_reply (see fixtures/README.md)
    const { flows, diagnostics, stats } = parseHubbleFlows(fixtureText('no-is-reply.jsonl'), 'no-is-reply.jsonl');
    // THEN the SYN frontend -> api:8080, its ACK, and the DNS query; never an ephemeral destination port
    expect(flows.map(f => [f.line, f.protocol, f.port])).toEqual([[1, 'TCP', 8080], [3, 'TCP', 8080], [6, 'UDP', 53]]);
    expect(stats).toMatchObject({ records: 14, kept: 3, replies: 8, undecided: 3, invalid: 0 });
    const messages = diagnostics.map(d => d.message);
    expect(messages).toContain('no-is-reply.jsonl: replies recognised other than by is_reply: 1 by the deprecated reply field, 1 by the TCP flags SYN, ACK, '
      + '1 by a SYN in the other direction, although is_reply was false (Cilium\'s connection tracking had lost the connection), '
      + '4 by the rest of the capture (the connection\'s start, or who accepts connections on the port), '
      + '1 by port numbers alone (a well-known source port to an ephemeral destination port); none of them was turned into an allow');
    expect(messages).toContain('no-is-reply.jsonl: 1 record without is_reply was taken as a connection start by the rest of the capture (the same connection\'s start, or an ephemeral source port to a port the destination accepts connections on)');
    expect(messages).toContain('no-is-reply.jsonl: 3 records of unknown direction (reply or connection start) skipped, and no allow generated from them (see the lines above)');
  });

  test('the no-is-reply fixture: records of unknown direction are reported by connection, with lines, ports and why', () => {
    const { diagnostics } = parseHubbleFlows(fixtureText('no-is-reply.jsonl'), 'no-is-reply.jsonl');
    const warnings = diagnostics.filter(d => d.line !== undefined);
    expect(warnings.map(d => [d.line, d.severity])).toEqual([[10, 'warning'], [13, 'warning']]);
    expect(warnings[0].message).toBe('no-is-reply.jsonl:10: cannot tell whether 2 TCP records from shop/worker-7d9c5f6b8-q4t2l to shop/api-6c4d9b8f7-m2wzn '
      + '(ports 7001 -> 7002; lines 10 and 11) are replies or connection starts: is_reply is not recorded and the TCP flags (ACK, PSH) are those of a '
      + 'connection already open, and the capture holds no start of this connection. They were skipped: no allow was generated from them. '
      + 'If this traffic must be allowed, capture it with a Cilium that records is_reply (and with the connections\' first packets), or allow it by hand after review');
    expect(warnings[1].message).toMatch(/^no-is-reply\.jsonl:13: cannot tell whether this TCP record .* is a reply or a connection start: the record contradicts itself: is_reply is false, but the TCP flags are SYN, ACK/);
  });

  test('a mid-connection TCP record is a reply when the reverse direction opened the connection', () => {
    // GIVEN web:44864 -> api:8080 SYN, then api:8080 -> web:44864 ACK,PSH without is_reply (the reported api -> web Port.tcp(44864))
    const text = [tcpRecord(web, api, WEB, [44864, 8080], { SYN: true }), tcpRecord(api, web, API, [8080, 44864], { ACK: true, PSH: true })].join('\n');
    const { flows, stats } = parseHubbleFlows(text);
    expect(flows.map(f => [f.line, f.port])).toEqual([[1, 8080]]);
    expect(stats).toMatchObject({ replies: 1, undecided: 0 });
  });

  test('a UDP answer without is_reply is a reply when its reverse is a query', () => {
    // GIVEN web:41000 -> kube-dns:53 (is_reply false) and kube-dns:53 -> web:41000 without is_reply (the reported Port.udp(41000))
    const dns = { namespace: 'kube-system', labels: ['k8s:k8s-app=kube-dns'], pod_name: 'coredns-7db6d8ff4d-5hq2v' };
    const query = record({ ...base, destination: dns, IP: { source: '10.244.1.5', destination: '10.244.0.3' }, l4: { UDP: { source_port: 41000, destination_port: 53 } } });
    const { is_reply: _, ...noReply } = base;
    const answer = record({ ...noReply, source: dns, destination: web, IP: { source: '10.244.0.3', destination: '10.244.1.5' }, l4: { UDP: { source_port: 53, destination_port: 41000 } } });
    const { flows, stats } = parseHubbleFlows([query, answer].join('\n'));
    expect(flows.map(f => [f.line, f.protocol, f.port])).toEqual([[1, 'UDP', 53]]);
    expect(stats.replies).toBe(1);
  });

  test('the deprecated reply, is_reply as a wrapper object and trace_reason are read', () => {
    const ack = (extra: object) => tcpRecord(api, web, API, [8080, 44864], { ACK: true }, extra);
    const text = [ack({ reply: true }), ack({ is_reply: { value: true } }), ack({ trace_reason: 'REPLY' }), ack({ trace_reason: 3 }), ack({ reply: false, is_reply: {} }), ack({ trace_reason: 'ESTABLISHED' })].join('\n');
    const { flows, stats } = parseHubbleFlows(text);
    // THEN four replies; `{}` is a BoolValue false and ESTABLISHED the forward direction, so the last two are kept
    expect(stats.replies).toBe(4);
    expect(flows.map(f => f.line)).toEqual([5, 6]);
  });

  test('a port the source accepts connections on, to an ephemeral port, is a reply; an ephemeral port to a port the destination accepts on is a start', () => {
    // GIVEN api accepting on 8080 (a SYN from web), then two mid-connection records of other connections
    const text = [
      tcpRecord(web, api, WEB, [40112, 8080], { SYN: true }),
      tcpRecord(api, web, API, [8080, 51234], { ACK: true, PSH: true }),
      tcpRecord(web, api, WEB, [51234, 8080], { ACK: true }),
    ].join('\n');
    const { flows, stats } = parseHubbleFlows(text);
    expect(flows.map(f => [f.line, f.port])).toEqual([[1, 8080], [3, 8080]]);
    expect(stats).toMatchObject({ replies: 1, undecided: 0 });
  });

  test('a well-known source port to an ephemeral port is a reply by port numbers alone; nothing makes a start by port numbers', () => {
    const world = { identity: 2, labels: ['reserved:world'] };
    const text = [
      tcpRecord(world, web, ['203.0.113.50', '10.244.1.5'], [443, 51000], { ACK: true, PSH: true }),
      tcpRecord(web, world, ['10.244.1.5', '203.0.113.51'], [51001, 443], { ACK: true }),
    ].join('\n');
    const { flows, diagnostics, stats } = parseHubbleFlows(text, 'f.jsonl');
    expect(flows).toEqual([]);
    expect(stats).toMatchObject({ replies: 1, undecided: 1 });
    expect(diagnostics.find(d => d.line === 2)!.message).toMatch(/^f\.jsonl:2: cannot tell whether this TCP record from shop\/web-7c9f8d6b5-x2k4j to 203\.0\.113\.51 \(reserved:world\) \(ports 51001 -> 443\) is a reply/);
  });

  test('records of unknown direction that were dropped are counted as drops, not reported', () => {
    const { is_reply: _, ...noReply } = base;
    const udp = { ...noReply, l4: { UDP: { source_port: 5000, destination_port: 5001 } } };
    const { diagnostics, stats } = parseHubbleFlows([record({ ...udp, verdict: 'DROPPED' }), record(udp)].join('\n'), 'f.jsonl');
    expect(stats).toMatchObject({ dropped: 1, undecided: 1 });
    expect(diagnostics.filter(d => d.line !== undefined).map(d => d.line)).toEqual([2]);
  });
});

describe('parseHubbleFlows: pretty-printed input', () => {
  test('reads records spread over lines, and reports a broken one at the line it starts', () => {
    // GIVEN three records as "jq ." prints them, the second cut off inside a string (see fixtures/README.md)
    const { flows, diagnostics, stats } = parseHubbleFlows(fixtureText('pretty.json'), 'pretty.json');
    // THEN the first and third are read, each with the line it starts on
    expect(flows.map(f => [f.line, f.port, f.verdict])).toEqual([[1, 8080, 'FORWARDED'], [127, 6379, 'AUDIT']]);
    expect(stats).toMatchObject({ records: 2, kept: 2, unreadable: 1 });
    expect(diagnostics.filter(d => d.severity === 'error').map(d => d.message)).toEqual([
      'pretty.json:88: truncated JSON (line 126 ends inside a string); lines 88-126 were skipped. Re-export the flows, or delete the partial record (usually the last one of an interrupted "hubble observe")',
    ]);
  });

  test('the shop capture pretty-printed, or as a JSON array, gives the same flows as one record per line', () => {
    // GIVEN the shop capture three ways
    const lines = fixtureText('shop.jsonl').trim().split('\n');
    const records = lines.map(l => JSON.parse(l));
    const compact = parseHubbleFlows(lines.join('\n'));
    const pretty = parseHubbleFlows(records.map(r => JSON.stringify(r, null, 2)).join('\n'));
    const array = parseHubbleFlows(JSON.stringify(records, null, 2));
    // THEN the same flows and counts, no diagnostic but the summaries
    const content = (flows: typeof compact.flows) => flows.map(({ line: _, ...rest }) => rest);
    expect(compact.flows).toHaveLength(51);
    expect(content(pretty.flows)).toEqual(content(compact.flows));
    expect(content(array.flows)).toEqual(content(compact.flows));
    expect(pretty.stats).toMatchObject({ records: 69, kept: 51, replies: 11, unreadable: 0 });
    expect(array.diagnostics.every(d => d.severity === 'info')).toBe(true);
    // AND the lines are where each record starts
    const starts = JSON.stringify(records, null, 2).split('\n').map((l, i) => (l === '  {' ? i + 1 : 0)).filter(l => l);
    expect(array.flows.map(f => f.line)).toEqual(compact.flows.map(f => starts[f.line - 1]));
  });
});
