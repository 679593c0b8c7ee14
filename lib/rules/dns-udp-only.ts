import { CompiledRule, WorkloadClass } from '../analysis';
import { classesText, dnsStatuses } from './dns';
import { Rule, RuleFinding, Severity } from './rule';
import { policyFinding, ruleField, ruleText } from './util';

/** NP006: DNS is allowed over UDP but not over TCP. */
export const DNS_UDP_ONLY: Rule = {
  id: 'NP006',
  name: 'dns-udp-only',
  severity: Severity.WARNING,
  summary: 'Egress allows DNS over UDP but not over TCP (port 53, or the configured DNS port).',
  why: 'DNS falls back to TCP when an answer does not fit in a UDP packet (many records, DNSSEC, long CNAME chains) and '
    + 'some resolvers use TCP outright; with only UDP allowed those lookups fail intermittently, which is hard to '
    + 'debug.',
  fix: 'Allow TCP 53 next to UDP 53 in the same rule (cdk8s-netpol: Port.DNS_UDP and Port.DNS_TCP, or DnsAccess).',
  suppressible: true,
  check(context) {
    const byRule = new Map<CompiledRule, WorkloadClass[]>();
    for (const s of dnsStatuses(context)) {
      // Only where a NetworkPolicy rule allows the UDP (an Admin-tier Accept may be what allows it).
      if (!s.udp || s.tcp || s.udpRules.length === 0) continue;
      const rule = s.udpRules[0];
      const list = byRule.get(rule) ?? [];
      list.push(s.cls);
      byRule.set(rule, list);
    }
    const out: RuleFinding[] = [];
    for (const [rule, classes] of byRule) {
      out.push(policyFinding(rule.policy,
        `${ruleText(rule)} allows DNS over UDP ${context.dns.port} only, and no other egress rule allows TCP ${context.dns.port}, for ${classesText(classes)}: lookups with large answers fail`,
        `${ruleField(rule)}.ports`));
    }
    return out;
  },
};
