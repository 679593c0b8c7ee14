/**
 * Diagnostics of the manifest loader: what they say, how serious they are, and how they are printed.
 */

/** How serious a diagnostic is. */
export enum DiagnosticSeverity {
  /** Input that could not be used (malformed YAML, an object the API server would reject, a missing file). */
  ERROR = 'error',
  /** Input that was skipped or interpreted with an assumption the user should check (an unknown kind). */
  WARNING = 'warning',
  /** Input ignored on purpose (a Service, a ConfigMap) or a harmless assumption (an undeclared namespace). */
  INFO = 'info',
}

/** Stable codes of loader diagnostics. */
export enum DiagnosticCode {
  /** A path that does not exist or cannot be read (including a dangling symlink in a directory). */
  MISSING_FILE = 'missing-file',
  /** A YAML or JSON document that does not parse, or that kubectl could not convert to JSON. */
  MALFORMED_DOCUMENT = 'malformed-document',
  /** A document or list item that is not an object with a `kind`, or whose metadata kubectl cannot decode. */
  NOT_AN_OBJECT = 'not-an-object',
  /** A kind the analysis does not know; the object was skipped. */
  UNKNOWN_KIND = 'unknown-kind',
  /**
   * A policy kind that changes connectivity but that the analysis does not model (Cilium's, Calico's, Antrea's, a
   * policy.networking.k8s.io version other than v1alpha1 AdminNetworkPolicy/BaselineAdminNetworkPolicy and v1alpha2
   * ClusterNetworkPolicy, ...); the object was skipped, and the CLI's answers refuse to run without
   * `--ignore-unmodelled`.
   */
  UNMODELLED_POLICY = 'unmodelled-policy',
  /** A kind that does not affect connectivity (Service, ConfigMap, RBAC, ...); the object was skipped. */
  IGNORED_KIND = 'ignored-kind',
  /**
   * A NetworkPolicy, or a cluster-scoped policy (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
   * ClusterNetworkPolicy), that the API server would reject; it is excluded from the analysis.
   */
  INVALID_POLICY = 'invalid-policy',
  /**
   * A policy problem that does not change its meaning (e.g. its name), or an assumption the analysis makes about a
   * cluster-scoped policy (a nodes peer, two policies of one tier with one priority); the policy is analysed.
   */
  POLICY_WARNING = 'policy-warning',
  /** A workload field that could not be read (e.g. no pod template); the workload is analysed without it. */
  INVALID_WORKLOAD = 'invalid-workload',
  /**
   * A Namespace or workload the API server would reject (an invalid name, label or container port); it is excluded
   * from the analysis.
   */
  INVALID_OBJECT = 'invalid-object',
  /** Two objects with the same kind, namespace and name; how they were combined is in the message. */
  DUPLICATE = 'duplicate',
  /** A key twice in one YAML map: kubectl keeps the last value and drops the others without a word. */
  DUPLICATE_KEY = 'duplicate-key',
  /**
   * A value that kubectl reads by YAML 1.1 rules (`010` is 8, `yes` is true, `<<` merges a map) where YAML 1.2 tools
   * read something else; it is read as kubectl reads it.
   */
  YAML_1_1 = 'yaml-1.1',
  /**
   * YAML that kubectl reads although the YAML spec forbids it (a line inside a flow collection or a quoted string
   * indented less than its parent, or by a tab); it is read as kubectl reads it.
   */
  LENIENT_YAML = 'lenient-yaml',
  /**
   * A file over `MAX_FILE_BYTES`, or a YAML document over `MAX_OBJECT_BYTES` that is not a List: not read (see
   * ./limits).
   */
  TOO_LARGE = 'too-large',
  /** A symlink to a directory inside a directory: not followed, as `kubectl -R` does not follow it. */
  SYMLINKED_DIRECTORY = 'symlinked-directory',
  /** Pods of one owner with different labels; the first pod's labels are used. */
  OWNER_LABELS_DIFFER = 'owner-labels-differ',
  /** A namespace used by a workload or policy but not declared; it is assumed to exist with only its name label. */
  UNDECLARED_NAMESPACE = 'undeclared-namespace',
}

/** A message about the input, with where it came from. */
export interface Diagnostic {
  /** How serious it is. */
  readonly severity: DiagnosticSeverity;
  /** A stable code. */
  readonly code: DiagnosticCode;
  /** The message. For invalid policies, the message of `checkPolicy` verbatim. */
  readonly message: string;
  /** The file, when loading from files (or the `source` given to `loadObjects`/`loadText`). */
  readonly file?: string;
  /** The zero-based index of the YAML document in the file (or of the object given to `loadObjects`). */
  readonly documentIndex?: number;
  /** The field path inside the document, e.g. `items[2].spec.ingress[0].from[1].ipBlock.cidr`. */
  readonly field?: string;
  /** The kind of the object concerned. */
  readonly kind?: string;
  /** `namespace/name` (or `name` for cluster-scoped objects) of the object concerned. */
  readonly name?: string;
}

/** Where a diagnostic points: a file, a document in it, and the field path prefix of a List item. */
export interface Location {
  readonly file?: string;
  readonly documentIndex?: number;
  /** Field path prefix for objects inside a List (`items[3]`). */
  readonly prefix: string;
}

/** `prefix.field`, or `field` alone at the top of a document. */
export function join(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

/** Builds a diagnostic from a location and the optional parts. */
export function diagnostic(severity: DiagnosticSeverity, code: DiagnosticCode, message: string, at: Location,
  extra: { field?: string; kind?: string; name?: string } = {}): Diagnostic {
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { severity, code, message };
  if (at.file !== undefined) d.file = at.file;
  if (at.documentIndex !== undefined) d.documentIndex = at.documentIndex;
  const field = extra.field !== undefined ? join(at.prefix, extra.field) : at.prefix || undefined;
  if (field) d.field = field;
  if (extra.kind) d.kind = extra.kind;
  if (extra.name) d.name = extra.name;
  return d;
}

/** One line for a diagnostic: `file#doc field: severity: message [code]`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file, d.documentIndex !== undefined ? `#${d.documentIndex}` : undefined].filter(x => x !== undefined).join('');
  const subject = d.kind ? `${d.kind}${d.name ? ` ${d.name}` : ''}` : undefined;
  const location = [where || undefined, d.field].filter(Boolean).join(' ');
  return `${location ? `${location}: ` : ''}${d.severity}: ${subject ? `${subject}: ` : ''}${d.message} [${d.code}]`;
}

/** At most five items of a list, and how many more: for messages that name the objects concerned. */
export function someOf(items: readonly string[]): string {
  return `${items.slice(0, 5).join(', ')}${items.length > 5 ? ` and ${items.length - 5} more` : ''}`;
}
