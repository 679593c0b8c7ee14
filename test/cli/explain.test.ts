import { Analysis } from '../../lib/analysis';
import * as classes from '../../lib/analysis/classes';
import { parsePortSpec } from '../../lib/cli/explain';
import { loadPaths } from '../../lib/model/load';
import { Protocol } from '../../lib/model/types';
import { cli, fixture, PRODUCTION } from './support';

const KNOWN = 'Known workloads: kube-system/coredns, production/api, production/frontend, production/postgres.';

/** `explain --from FROM --to TO --port PORT PRODUCTION ...extra`. */
function explain(from: string, to: string, port: string, ...extra: string[]) {
  return cli('explain', '--from', from, '--to', to, '--port', port, PRODUCTION, ...extra);
}

describe('explain verdicts', () => {
  test('explains an allowed connection with the rules that allow it on both sides', async () => {
    // WHEN
    const result = await explain('production/api', 'production/postgres', '5432');
    // THEN
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: 'production/api may connect to production/postgres on TCP 5432: egress of production/api is isolated by '
        + 'default-deny-all, allow-dns, api-egress; api-egress egress[0] allows production/postgres TCP 5432; and ingress '
        + 'of production/postgres is isolated by default-deny-all, db-ingress; db-ingress ingress[0] allows production/api TCP 5432\n',
    });
  });

  test('explains the guide\'s denied frontend to api connection (frontend egress), exit 0 without --expect', async () => {
    // WHEN
    const result = await explain('production/frontend', 'production/api', '8080');
    // THEN
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: 'production/frontend may not connect to production/api on TCP 8080: egress of production/frontend is isolated '
        + 'by default-deny-all, allow-dns; no egress rule allows production/api TCP 8080\n',
    });
  });

  test('explains a connection to an IP address outside the cluster', async () => {
    // WHEN
    const result = await explain('production/api', '52.94.1.1', '443/TCP');
    // THEN
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('production/api may not connect to 52.94.1.1 on TCP 443: egress of production/api is isolated '
      + 'by default-deny-all, allow-dns, api-egress; no egress rule allows 52.94.1.1 TCP 443\n');
  });

  test('accepts a lower-case protocol and a workload written with its kind', async () => {
    // WHEN
    const result = await explain('production/api[Deployment]', 'kube-system/coredns', '53/udp');
    // THEN
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^production\/api may connect to kube-system\/coredns on UDP 53: /);
  });

  test('exits 0 when the verdict is the one --expect names', async () => {
    // WHEN
    const allowed = await explain('production/api', 'production/postgres', '5432', '--expect', 'allow');
    const denied = await explain('production/frontend', 'production/postgres', '5432', '--expect', 'deny');
    // THEN
    expect([allowed.code, allowed.stderr]).toEqual([0, '']);
    expect([denied.code, denied.stderr]).toEqual([0, '']);
  });

  test('exits 1 when the verdict differs from --expect, still printing the explanation', async () => {
    // WHEN
    const result = await explain('production/frontend', 'production/api', '8080', '--expect', 'allow');
    // THEN
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^production\/frontend may not connect to production\/api on TCP 8080: /);
    expect(result.stderr).toBe('error: --expect allow: the connection is denied (see above).\n');
  });

  test('names an allowed connection in the --expect deny failure', async () => {
    // WHEN
    const result = await explain('production/api', 'production/postgres', '5432', '--expect', 'deny');
    // THEN
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: --expect deny: the connection is allowed (see above).\n');
  });
});

describe('explain on bad endpoints (exit 2, nothing on stdout)', () => {
  test('suggests the closest workload for a mistyped name and lists the known ones', async () => {
    // WHEN
    const result = await explain('production/fronted', 'production/api', '8080');
    // THEN
    expect(result).toEqual({ code: 2, stdout: '', stderr: `error: --from "production/fronted": no such workload; did you mean production/frontend? ${KNOWN}\n` });
  });

  test('suggests the workload of another namespace with the same name', async () => {
    // WHEN
    const result = await explain('production/api', 'staging/postgres', '5432');
    // THEN
    expect(result.stderr).toBe(`error: --to "staging/postgres": no such workload; did you mean production/postgres? ${KNOWN}\n`);
  });

  test('lists the known workloads when nothing is close', async () => {
    // WHEN
    const result = await explain('production/x', 'production/api', '8080');
    // THEN
    expect(result).toEqual({ code: 2, stdout: '', stderr: `error: --from "production/x": no such workload. ${KNOWN}\n` });
  });

  test('rejects a name without a namespace, suggesting the full name', async () => {
    // WHEN
    const result = await explain('frontend', 'production/api', '8080');
    // THEN
    expect(result.stderr).toBe(`error: --from "frontend" is not NAMESPACE/NAME, NAMESPACE/NAME[Kind] or an IP address; did you mean production/frontend? ${KNOWN}\n`);
    expect(result.code).toBe(2);
  });

  test('rejects the wrong kind, suggesting the right one', async () => {
    // WHEN
    const result = await explain('production/frontend[StatefulSet]', 'production/api', '8080');
    // THEN
    expect(result).toEqual({
      code: 2, stdout: '',
      stderr: 'error: --from "production/frontend[StatefulSet]": production/frontend is not a StatefulSet; did you mean production/frontend[Deployment]?\n',
    });
  });

  test('rejects a connection between two addresses outside the cluster', async () => {
    // WHEN
    const result = await explain('1.2.3.4', '5.6.7.8', '80');
    // THEN
    expect(result).toEqual({
      code: 2, stdout: '',
      stderr: 'error: connections between two addresses outside the cluster ("1.2.3.4", "5.6.7.8") are not governed by NetworkPolicies. Change --from or --to.\n',
    });
  });

  test('says so when the manifests define no workloads at all', async () => {
    // WHEN
    const result = await cli('explain', '--from', 'shop/web', '--to', 'shop/db', '--port', '80', fixture('unknown-kind.yaml'));
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: --from "shop/web": the manifests define no workloads. Add the files with the Deployments, Pods, ... to the PATH arguments.\n');
  });
});

describe('explain on bad options and input (exit 2, nothing on stdout)', () => {
  test.each([
    ['0', 'The port 0 is outside 1-65535.'],
    ['70000', 'The port 70000 is outside 1-65535.'],
    ['http/TCPX', 'The port "http" is not a number (named ports are not resolved here: give the container port number). The protocol "TCPX" is not one of TCP, UDP, SCTP.'],
    ['80/', 'The protocol "" is not one of TCP, UDP, SCTP.'],
  ])('rejects --port %s', async (port, problem) => {
    // WHEN
    const result = await explain('production/api', 'production/postgres', port);
    // THEN
    expect(result).toEqual({
      code: 2, stdout: '',
      stderr: `error: option '--port <port[/protocol]>' argument '${port}' is invalid. ${problem} Write PORT[/PROTOCOL], e.g. --port 8080 or --port 53/UDP.\n(add --help for usage)\n`,
    });
  });

  test.each([
    ['--from', "error: required option '--from <endpoint>' not specified\n"],
    ['--to', "error: required option '--to <endpoint>' not specified\n"],
    ['--port', "error: required option '--port <port[/protocol]>' not specified\n"],
  ])('fails when %s is missing', async (option, message) => {
    // GIVEN every required option but one
    const all: { [k: string]: string } = { '--from': 'production/api', '--to': 'production/postgres', '--port': '5432' };
    const args = Object.entries(all).filter(([k]) => k !== option).flat();
    // WHEN
    const result = await cli('explain', ...args, PRODUCTION);
    // THEN
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${message}(add --help for usage)\n` });
  });

  test('rejects an unknown --expect value, listing the allowed ones', async () => {
    // WHEN
    const result = await explain('production/api', 'production/postgres', '5432', '--expect', 'allowed');
    // THEN
    expect(result).toEqual({
      code: 2, stdout: '',
      stderr: "error: option '--expect <verdict>' argument 'allowed' is invalid. Use one of allow, deny, e.g. --expect deny.\n(add --help for usage)\n",
    });
  });

  test('fails on an invalid NetworkPolicy without explaining anything', async () => {
    // WHEN
    const result = await explain('production/api', 'production/postgres', '5432', fixture('invalid-policy.yaml'));
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('[invalid-policy]\n');
    expect(result.stderr).toContain('error: 2 errors in the input (see above); nothing explained. Fix the manifests.\n');
  });

  test('fails for a path that does not exist', async () => {
    // WHEN
    const result = await explain('production/api', 'production/postgres', '5432', fixture('nope'));
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: 1 input path could not be read (see above); nothing explained. Check the PATH arguments.\n');
  });
});

describe('parsePortSpec', () => {
  test('defaults the protocol to TCP and upper-cases a given one', () => {
    // THEN
    expect(parsePortSpec('8080')).toEqual({ port: 8080, protocol: Protocol.TCP });
    expect(parsePortSpec('53/udp')).toEqual({ port: 53, protocol: Protocol.UDP });
    expect(parsePortSpec('65535/SCTP')).toEqual({ port: 65535, protocol: Protocol.SCTP });
  });

  test('rejects a port without a number before the slash', () => {
    // THEN
    expect(() => parsePortSpec('/TCP')).toThrow('The port "" is not a number (named ports are not resolved here: give the container port number).');
  });
});

describe('explain on an ambiguous name', () => {
  test('asks for the kind when a Deployment and a Pod share the name', async () => {
    // GIVEN a bare Pod production/api next to the Deployment production/api
    // WHEN
    const result = await explain('production/api', 'production/postgres', '5432', fixture('bare-pod.yaml'));
    // THEN
    expect(result).toEqual({
      code: 2, stdout: '',
      stderr: 'error: --from "production/api" is ambiguous: it names production/api[Deployment] and production/api[Pod]; write one of them.\n',
    });
  });

  test('explains the workload named with its kind', async () => {
    // WHEN
    const result = await explain('production/api[Pod]', 'production/postgres', '5432', fixture('bare-pod.yaml'));
    // THEN
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^production\/api may not connect to production\/postgres on TCP 5432: /);
  });
});

describe('explain analyses only the two endpoints', () => {
  test('groups only the two endpoints\' workloads into classes, and explains as the whole-cluster analysis does', async () => {
    // GIVEN
    const spy = jest.spyOn(classes, 'buildClasses');
    // WHEN
    const result = await explain('production/api', 'production/postgres', '5432', '--output', 'json');
    const grouped = spy.mock.calls.map(([cluster]) => cluster.workloads.length).filter(n => n > 0);
    spy.mockRestore();
    // THEN
    expect(grouped).toEqual([2]);
    const whole = Analysis.of(loadPaths([PRODUCTION]).cluster);
    expect(whole.engine.classes.length).toBeGreaterThan(2);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(whole.explain('production/api', 'production/postgres', 5432))));
  });
});
