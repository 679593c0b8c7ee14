/**
 * What makes reading and replaying a large capture cheap, checked for what it must not change: the reader shares one
 * object per distinct end between the flows that have it and still tells different ends apart; the line count is the
 * one of `split`/`trim`; a verdict worked out once per (class, class, protocol, port) is worded per group, as
 * `explain` words each group on its own; and the reports are written group by group, the JSON byte for byte the
 * document `JSON.stringify` gives.
 */
import { Analysis } from '../../lib/analysis';
import { parseHubbleFlows } from '../../lib/flows/hubble';
import { formatReplay, replayHubbleFlows, replayObservedFlows, REPLAY_FORMATS, ReplayResult, writeReplay } from '../../lib/flows/replay';
import { ClusterModel, PolicyType, Protocol } from '../../lib/model/types';
import { flow, pod, world } from './flows';

/** A Hubble record (the wrapped form) of a TCP connection start. */
function record(source: object, destination: object, port: number, extra: object = {}): string {
  return JSON.stringify({
    flow: {
      verdict: 'FORWARDED', is_reply: false, IP: { source: '10.0.0.1', destination: '10.0.0.2' },
      l4: { TCP: { source_port: 40000, destination_port: port, flags: { SYN: true } } }, source, destination, ...extra,
    },
  });
}

const web = (name: string, labels = ['k8s:app=web']) => ({ namespace: 'shop', pod_name: name, labels });
const api = { namespace: 'shop', pod_name: 'api-0', labels: ['k8s:app=api'] };

/** shop: web-0, web-1 (app=web) and api (app=api); api admits web on TCP 8080 only. */
const SHOP: ClusterModel = {
  namespaces: [{ name: 'shop' }],
  workloads: [
    { kind: 'Deployment', name: 'web-0', namespaceName: 'shop', podLabels: { app: 'web' } },
    { kind: 'Deployment', name: 'web-1', namespaceName: 'shop', podLabels: { app: 'web' } },
    { kind: 'Deployment', name: 'api-0', namespaceName: 'shop', podLabels: { app: 'api' } },
  ],
  policies: [{
    name: 'api', namespaceName: 'shop', podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS],
    ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }],
  }],
};

describe('parseHubbleFlows shares the ends of flows', () => {
  test('flows with the same end share one object; ends that differ in any field do not', () => {
    // GIVEN three records from web-0 and one from web-0 with another label, all to api
    const text = [record(web('web-0'), api, 8080), record(web('web-0'), api, 8080), record(web('web-0', ['k8s:app=web', 'k8s:tier=x']), api, 8080), record(web('web-0'), api, 9090)].join('\n');
    // WHEN read
    const { flows } = parseHubbleFlows(text);
    // THEN the same source is one object, the relabelled one another, and every destination the same object
    expect(flows).toHaveLength(4);
    expect(flows[1].source).toBe(flows[0].source);
    expect(flows[3].source).toBe(flows[0].source);
    expect(flows[2].source).not.toBe(flows[0].source);
    expect(flows[2].source.labels).toEqual(['k8s:app=web', 'k8s:tier=x']);
    expect(new Set(flows.map(f => f.destination)).size).toBe(1);
  });

  test('an end whose values are invalid is reported for every record that has it, not only the first', () => {
    // GIVEN two records whose source carries an invalid label value, at lines 1 and 3
    const bad = web('web-0', ['k8s:app=web', 'k8s:tier=not valid']);
    const text = [record(bad, api, 8080), record(web('web-1'), api, 8080), record(bad, api, 8080)].join('\n');
    // WHEN read
    const { flows, stats, diagnostics } = parseHubbleFlows(text, 'f.jsonl');
    // THEN both are skipped and named in one warning
    expect(flows.map(f => f.line)).toEqual([2]);
    expect(stats.invalid).toBe(2);
    expect(diagnostics[0].message).toMatch(/^f\.jsonl:1: flow\.source\.labels\[1\] "k8s:tier=not valid": .* \(as were 1 more record with the same value: line 3\)$/);
  });

  test('counts the lines that are not blank as split and trim do (CRLF, spaces, a no-break space, a line of a lone CR)', () => {
    // GIVEN records separated by blank lines of every kind of white space
    const text = `${record(web('web-0'), api, 8080)}\r\n \t\r\n\u00a0\n\r\r\n${record(web('web-1'), api, 8080)}\n\n  x\n`;
    // WHEN read
    const { stats } = parseHubbleFlows(text);
    // THEN the count is that of split(/\r?\n/) and trim()
    expect(stats.lines).toBe(text.split(/\r?\n/).filter(l => l.trim() !== '').length);
    expect(stats.lines).toBe(3);
  });
});

describe('replay words each group\'s verdict for its own ends', () => {
  test('two pods of one class to the same destination: each explanation names its pod, as explain does', () => {
    // GIVEN web-0 and web-1 (one class) to api on TCP 8080 (allowed) and 9090 (denied), and web-0 outside
    const flows = [
      flow(pod('shop', 'web-0', { app: 'web' }), pod('shop', 'api-0', { app: 'api' }), 'TCP', 8080),
      flow(pod('shop', 'web-1', { app: 'web' }), pod('shop', 'api-0', { app: 'api' }), 'TCP', 8080),
      flow(pod('shop', 'web-0', { app: 'web' }), pod('shop', 'api-0', { app: 'api' }), 'TCP', 9090),
      flow(pod('shop', 'web-1', { app: 'web' }), pod('shop', 'api-0', { app: 'api' }), 'TCP', 9090),
      flow(pod('shop', 'web-0', { app: 'web' }), world('203.0.113.7'), 'TCP', 443),
    ];
    // WHEN replayed
    const result = replayObservedFlows(SHOP, flows);
    // THEN every group's explanation and verdict are those explain gives for its own ends
    const analysis = Analysis.of(SHOP);
    expect(result.groups).toHaveLength(5);
    for (const g of result.groups) {
      const explanation = analysis.explain(g.source.name, g.destination.name, g.port, g.protocol as Protocol);
      expect([g.source.name, g.allowed, g.explanation]).toEqual([g.source.name, explanation.allowed, explanation.text]);
    }
    expect(result.groups.map(g => `${g.outcome} ${g.source.name} ${g.port}`)).toEqual([
      'would-deny shop/web-0 9090', 'would-deny shop/web-1 9090', 'allowed shop/web-0 443', 'allowed shop/web-0 8080', 'allowed shop/web-1 8080',
    ]);
  });
});

describe('the replay reports, written group by group', () => {
  const text = [record(web('web-0'), api, 8080), record(web('web-1'), api, 9090), record(web('web-1'), { namespace: 'shop', labels: ['k8s:app=new'] }, 80)].join('\n');

  test.each([true, false])('the JSON is JSON.stringify of the whole document (with the reader\'s counts: %s)', withStats => {
    // GIVEN a replay with groups and notes, and one with neither
    const result = replayHubbleFlows(SHOP, text, 'f.jsonl');
    const empty: ReplayResult = { flows: 0, groups: [], counts: result.counts, notes: [] };
    for (const r of [result, empty]) {
      const stats = withStats ? result.stats : undefined;
      // WHEN written as JSON
      const pieces: string[] = [];
      writeReplay(r, 'json', 'f.jsonl', text => { pieces.push(text); }, stats);
      // THEN byte for byte the document, with a piece per group at least
      const document = { source: 'f.jsonl', summary: formatReplay(r, 'txt', 'f.jsonl').split('\n')[0], flows: r.flows, counts: r.counts, groups: r.groups, notes: r.notes, ...(stats ? { stats } : {}) };
      expect(pieces.join('')).toBe(`${JSON.stringify(document, null, 2)}\n`);
      expect(pieces.length).toBeGreaterThan(r.groups.length);
    }
    expect(result.groups.length).toBe(3);
    expect(result.notes.length).toBeGreaterThan(0);
  });

  test('md is cut at a group to fit a pull-request comment, with a note counting the groups left out by outcome', () => {
    // GIVEN a capture with 40 denied groups (web-i to api on 9090) and 30 dropped ones the policies allow (to 8080)
    const denied = Array.from({ length: 40 }, (_, i) => record(web(`web-${i}`, ['k8s:app=web', `k8s:pod=p${i}`]), api, 9090));
    const dropped = Array.from({ length: 30 }, (_, i) => record(web(`web-${i}`, ['k8s:app=web', `k8s:pod=p${i}`]), api, 8080, { verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED' }));
    const result = replayHubbleFlows(SHOP, [...denied, ...dropped].join('\n'), 'f.jsonl');
    const whole = formatReplay(result, 'md', 'f.jsonl', undefined, { maxLength: Infinity });
    const tableRows = (md: string, section: string) => {
      const part = md.split('\n#### ').find(p => p.startsWith(section)) ?? '';
      return part.split('\n').filter(l => l.startsWith('| `'));
    };
    // The explanations: the bullets inside the <details> blocks.
    const whys = (md: string) => md.split('<details>').slice(1).map(part => part.split('</details>')[0].split('\n').filter(l => l.startsWith('- ')).length).reduce((a, b) => a + b, 0);
    expect(result.counts['would-deny'].groups).toBe(40);
    expect(result.counts['drop-disagrees'].groups).toBe(30);
    for (const maxLength of [1_000, 2_500, 6_000, 12_000, whole.length - 1, whole.length]) {
      // WHEN written within the limit
      const cut = formatReplay(result, 'md', 'f.jsonl', undefined, { maxLength });
      // THEN never longer; the whole report when it fits
      expect(cut.length).toBeLessThanOrEqual(maxLength);
      if (maxLength >= whole.length) {
        expect(cut).toBe(whole);
        continue;
      }
      // AND otherwise a prefix of each section's rows, each with its explanation, and a note counting the rest
      const [deny, disagree] = [tableRows(cut, 'Would be denied'), tableRows(cut, 'DROPPED, but')];
      expect(deny).toEqual(tableRows(whole, 'Would be denied').slice(0, deny.length));
      expect(disagree).toEqual(tableRows(whole, 'DROPPED, but').slice(0, disagree.length));
      expect(disagree.length === 0 || deny.length === 40).toBe(true);
      expect(whys(cut)).toBe(deny.length + disagree.length);
      const left = ([[40 - deny.length, 'would-deny'], [30 - disagree.length, 'drop-disagrees']] as const).filter(([n]) => n > 0).map(([n, o]) => `${n} ${o}`);
      const cutNote = `\n_Cut to fit a pull-request comment (${maxLength.toLocaleString('en-US')} characters): `;
      const notesShown = cut.includes('\n#### Notes\n');
      if (left.length > 0) expect(cut).toContain(`${cutNote}${left.join(' and ')} groups are not shown. ${notesShown ? '' : 'Nor are the notes. '}For every group,`);
      else expect([notesShown, cut]).toEqual([false, expect.stringContaining(`${cutNote}${result.notes.length} notes are not shown. For every group,`)]);
      expect(cut.startsWith(whole.split('\n\n#### ')[0])).toBe(true);
    }
  });

  test('txt and md are written in more pieces than groups, and read as formatReplay renders them', () => {
    const result = replayHubbleFlows(SHOP, text, 'f.jsonl');
    for (const format of REPLAY_FORMATS) {
      const pieces: string[] = [];
      writeReplay(result, format, 'f.jsonl', t => { pieces.push(t); });
      expect(pieces.join('')).toBe(formatReplay(result, format, 'f.jsonl'));
      expect(pieces.length).toBeGreaterThan(result.counts['would-deny'].groups);
    }
  });
});
