/**
 * The rule-based checker ("linter"): rules over the plain policy model and its analysis, `lint()`, the report
 * formats (text, json, SARIF 2.1.0) and `lintPaths()` for the CLI. `RULES.md` is generated from `RULES`.
 */
export { RULES, ruleById } from './registry';
export * from './rule';
export { RuleContext, DNS_NAMESPACE, DNS_POD_LABELS, KUBERNETES_DNS, SYSTEM_NAMESPACES, IMAGINED_KIND } from './context';
export type { DnsServer } from './context';
export { SUPPRESS_ANNOTATION, MIN_REASON_LENGTH, parseSuppressions } from './suppression';
export type { Suppression, ParsedSuppressions } from './suppression';
export { lint, failingFindings } from './lint';
export type { LintOptions, LintResult, LintSummary, FailOn } from './lint';
export { acceptText, findingBlock, fixText, formatText, formatJson, formatSarif, SARIF_SCHEMA } from './report';
export type { SarifOptions, TextOptions } from './report';
export { lintPaths, documentStartLines } from './cli';
export type { LintPathsOptions, LintPathsResult } from './cli';
export { ALLOW_ALL_BESIDE_RULES } from './allow-all-beside-rules';
export { ALLOW_ALL_RULE } from './allow-all-rule';
export { ANY_ADDRESS } from './any-address';
export { CLUSTER_DENY_SHADOWS_ALLOW } from './cluster-deny-shadows-allow';
export { CLUSTER_PASS_WIDENS_DENY } from './cluster-pass-widens-deny';
export { CLUSTER_POLICY_BLOCKS_DNS } from './cluster-policy-blocks-dns';
export { CLUSTER_PRIORITY_COLLISION } from './cluster-priority-collision';
export { CLUSTER_SUBJECT_SELECTS_NOTHING } from './cluster-subject-selects-nothing';
export { NO_DEFAULT_DENY_EGRESS, NO_DEFAULT_DENY_INGRESS } from './default-deny';
export { DNS_ANY_NAMESPACE } from './dns-any-namespace';
export { DNS_BLOCKED } from './dns-blocked';
export { DNS_UDP_ONLY } from './dns-udp-only';
export { HOST_NETWORK } from './host-network';
export { IGNORED_RULES } from './ignored-rules';
export { IMPLICIT_INGRESS_ISOLATION } from './implicit-ingress-isolation';
export { INVALID_SUPPRESSION } from './invalid-suppression';
export { ONE_SIDED_CONNECTION } from './one-sided';
export { OR_TRAP } from './or-trap';
export { PEER_MATCHES_NOTHING } from './peer-matches-nothing';
export { POLICY_SELECTS_NOTHING } from './policy-selects-nothing';
export { SHADOWED_RULE } from './shadowed-rule';
export { UNDEFINED_NAMED_PORT } from './undefined-named-port';
export { UNSET_NAMESPACE_LABEL } from './unset-namespace-label';
export { VOIDED_POLICY } from './voided-policy';
