/**
 * The registry: every rule, ordered by id. `RULES.md` is generated from it (scripts/rules-md.ts).
 */
import { ALLOW_ALL_BESIDE_RULES } from './allow-all-beside-rules';
import { ALLOW_ALL_RULE } from './allow-all-rule';
import { ANY_ADDRESS } from './any-address';
import { NO_DEFAULT_DENY_EGRESS, NO_DEFAULT_DENY_INGRESS } from './default-deny';
import { CLUSTER_DENY_SHADOWS_ALLOW } from './cluster-deny-shadows-allow';
import { CLUSTER_PASS_WIDENS_DENY } from './cluster-pass-widens-deny';
import { CLUSTER_POLICY_BLOCKS_DNS } from './cluster-policy-blocks-dns';
import { CLUSTER_PRIORITY_COLLISION } from './cluster-priority-collision';
import { CLUSTER_SUBJECT_SELECTS_NOTHING } from './cluster-subject-selects-nothing';
import { DNS_ANY_NAMESPACE } from './dns-any-namespace';
import { DNS_BLOCKED } from './dns-blocked';
import { DNS_UDP_ONLY } from './dns-udp-only';
import { HOST_NETWORK } from './host-network';
import { IGNORED_RULES } from './ignored-rules';
import { IMPLICIT_INGRESS_ISOLATION } from './implicit-ingress-isolation';
import { INVALID_SUPPRESSION } from './invalid-suppression';
import { ONE_SIDED_CONNECTION } from './one-sided';
import { OR_TRAP } from './or-trap';
import { PEER_MATCHES_NOTHING } from './peer-matches-nothing';
import { POLICY_SELECTS_NOTHING } from './policy-selects-nothing';
import { Rule } from './rule';
import { SHADOWED_RULE } from './shadowed-rule';
import { UNDEFINED_NAMED_PORT } from './undefined-named-port';
import { UNSET_NAMESPACE_LABEL } from './unset-namespace-label';
import { VOIDED_POLICY } from './voided-policy';

/** Every rule, ordered by id. */
export const RULES: readonly Rule[] = [
  INVALID_SUPPRESSION,
  OR_TRAP,
  NO_DEFAULT_DENY_INGRESS,
  NO_DEFAULT_DENY_EGRESS,
  DNS_BLOCKED,
  DNS_ANY_NAMESPACE,
  DNS_UDP_ONLY,
  ANY_ADDRESS,
  ALLOW_ALL_RULE,
  ONE_SIDED_CONNECTION,
  POLICY_SELECTS_NOTHING,
  PEER_MATCHES_NOTHING,
  UNSET_NAMESPACE_LABEL,
  UNDEFINED_NAMED_PORT,
  SHADOWED_RULE,
  HOST_NETWORK,
  IGNORED_RULES,
  IMPLICIT_INGRESS_ISOLATION,
  ALLOW_ALL_BESIDE_RULES,
  VOIDED_POLICY,
  CLUSTER_PRIORITY_COLLISION,
  CLUSTER_SUBJECT_SELECTS_NOTHING,
  CLUSTER_DENY_SHADOWS_ALLOW,
  CLUSTER_PASS_WIDENS_DENY,
  CLUSTER_POLICY_BLOCKS_DNS,
];

/** The rule with an id, or undefined. */
export function ruleById(id: string): Rule | undefined {
  return RULES.find(r => r.id === id);
}

