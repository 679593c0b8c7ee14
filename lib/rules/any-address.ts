import { ConnectionSet } from '../analysis';
import { PolicyType, Protocol } from '../model/types';
import { Rule, RuleFinding, Severity } from './rule';
import { directionWord, peersField, policyFinding, ruleField, rulePortsText, rulesOf, ruleText } from './util';

const EVERYWHERE = ['0.0.0.0/0', '::/0'];

/** NP007: ingress from or egress to every address (0.0.0.0/0, ::/0, or a rule with ports but no peers). */
export const ANY_ADDRESS: Rule = {
  id: 'NP007',
  name: 'any-address',
  severity: Severity.WARNING,
  summary: 'A rule allows traffic to or from every address: an ipBlock of 0.0.0.0/0 or ::/0, or ports with no from/to at all.',
  why: 'Egress to 0.0.0.0/0 lets a compromised pod reach the whole internet (command and control, exfiltration); ingress '
    + 'from 0.0.0.0/0 exposes the pods to every client that can route to them. Rules with no peers and no ports are '
    + 'NP008; DNS-only rules NP005.',
  fix: 'List the CIDRs of the actual dependencies (e.g. 52.94.0.0/16 on TCP 443) or select the peers by pod and '
    + 'namespace; if the exposure is intended (a public endpoint), suppress with the reason and the review.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const dnsPorts = ConnectionSet.port(Protocol.UDP, context.dns.port).union(ConnectionSet.port(Protocol.TCP, context.dns.port));
    for (const policy of context.policies) {
      for (const rule of rulesOf(policy)) {
        const dir = directionWord(rule.direction);
        const toFrom = rule.direction === PolicyType.INGRESS ? 'from' : 'to';
        if (rule.allPeers) {
          if (rule.ports.all) continue; // NP008
          const dnsOnly = rule.ports.named.length === 0 && rule.ports.numeric.subtract(dnsPorts).isEmpty();
          if (rule.direction === PolicyType.EGRESS && dnsOnly) continue; // NP005
          out.push(policyFinding(policy, `${ruleText(rule)} has no \`${toFrom}\`, so it allows ${rulePortsText(rule)} ${toFrom} every address (0.0.0.0/0 and ::/0)`, ruleField(rule)));
          continue;
        }
        for (const peer of rule.ipBlockPeers) {
          const cidr = peer.block.model.cidr;
          if (!EVERYWHERE.includes(cidr)) continue;
          const except = peer.block.model.exceptCidrs?.length ? ` except ${peer.block.model.exceptCidrs.join(', ')}` : '';
          out.push(policyFinding(policy, `${ruleText(rule)} allows ${dir} ${toFrom} ${cidr}${except} on ${rulePortsText(rule)}`, `${peersField(rule)}[${peer.index}].ipBlock`));
        }
      }
    }
    return out;
  },
};
