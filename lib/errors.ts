/**
 * The one error class of cdk8s-netpol, and its stable codes.
 *
 * `NetpolError` extends the JavaScript `Error`, which jsii cannot expose to other languages, so the package entry
 * point exports the codes and the `Errors` helper, and TypeScript users can import the class from
 * `cdk8s-netpol/lib/errors`.
 */

/** Stable codes of the errors cdk8s-netpol throws; match on these, not on message text. */
export enum ErrorCode {
  /** A port number outside 1-65535, or not an integer. */
  INVALID_PORT = 'INVALID_PORT',
  /** A port range whose end is before its start. */
  INVALID_PORT_RANGE = 'INVALID_PORT_RANGE',
  /** A named port that breaks the IANA_SVC_NAME rules. */
  INVALID_PORT_NAME = 'INVALID_PORT_NAME',
  /** A list of ports that is empty or mixes "all traffic" with other ports. */
  INVALID_PORTS = 'INVALID_PORTS',
  /** A label key that breaks the Kubernetes qualified-name rules. */
  INVALID_LABEL_KEY = 'INVALID_LABEL_KEY',
  /** A label value that breaks the Kubernetes label-value rules. */
  INVALID_LABEL_VALUE = 'INVALID_LABEL_VALUE',
  /** A label selector that would silently select everything, or a malformed requirement. */
  INVALID_SELECTOR = 'INVALID_SELECTOR',
  /** A CIDR that does not parse, has host bits set, or is the whole address space without saying so. */
  INVALID_CIDR = 'INVALID_CIDR',
  /** An `except` range that is not strictly inside its CIDR. */
  INVALID_EXCEPT = 'INVALID_EXCEPT',
  /** A list of peers that is empty or mixes "anyone" with other peers. */
  INVALID_PEERS = 'INVALID_PEERS',
  /** A peer that cannot be used where it was given (e.g. a CIDR as the source of pods' egress). */
  INVALID_PEER = 'INVALID_PEER',
  /** An object or namespace name that breaks the Kubernetes naming rules. */
  INVALID_NAME = 'INVALID_NAME',
  /** A rendered policy the API server would reject (e.g. from a user-defined peer). */
  INVALID_POLICY = 'INVALID_POLICY',
  /** Two NetworkPolicies with the same name in the same namespace. */
  DUPLICATE_NAME = 'DUPLICATE_NAME',
  /** Policy types that contradict the rules (e.g. an ingress rule in an egress-only policy). */
  INVALID_POLICY_TYPES = 'INVALID_POLICY_TYPES',
  /** A policy that would be written into a namespace the app does not declare. */
  UNDECLARED_NAMESPACE = 'UNDECLARED_NAMESPACE',
  /** A number or setting outside its allowed range (e.g. a timeout). */
  INVALID_VALUE = 'INVALID_VALUE',
  /** A suppression with an unknown rule id or a reason shorter than 10 characters. */
  INVALID_SUPPRESSION = 'INVALID_SUPPRESSION',
  /** A cdk8s-plus workload that cannot be selected by labels of its own. */
  INVALID_WORKLOAD = 'INVALID_WORKLOAD',
  /** A required argument or property that is missing (undefined, null) or of the wrong kind, from an untyped caller. */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** A JSON patch (`addJsonPatch`) that cannot be applied, or leaves a manifest the API server would reject. */
  INVALID_PATCH = 'INVALID_PATCH',
  /**
   * A policy kind the analysis does not model (Cilium's or Calico's own, AdminNetworkPolicy, ...), where an answer
   * without it was not asked for (`ignoreUnmodelled`).
   */
  UNMODELLED_POLICY = 'UNMODELLED_POLICY',
}

/**
 * An error thrown by cdk8s-netpol. The message names the API called, the value received, what is allowed and,
 * where possible, the fix.
 */
export class NetpolError extends Error {
  /** The stable code of the error. */
  public readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'NetpolError';
    this.code = code;
    Object.setPrototypeOf(this, NetpolError.prototype);
  }
}

/** Helpers to recognise cdk8s-netpol errors from any jsii language. */
export class Errors {
  /** Whether `x` is an error thrown by cdk8s-netpol. */
  public static isNetpolError(x: any): boolean {
    return x instanceof NetpolError;
  }

  /** The stable code of a cdk8s-netpol error, or undefined for any other value. */
  public static codeOf(x: any): string | undefined {
    return x instanceof NetpolError ? x.code : undefined;
  }

  private constructor() {}
}

/**
 * Throws a NetpolError whose message starts with the API the user called.
 * @internal
 */
export function fail(code: ErrorCode, api: string, problem: string): never {
  throw new NetpolError(code, `${api}: ${problem}`);
}

/** How a value that is not what an API takes reads in an error message. */
function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object of class ${(value as object).constructor?.name ?? 'Object'}`;
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Returns `value` if it is an object (a props struct, a map of labels); otherwise throws, naming `what` and an example.
 * TypeScript callers cannot get this wrong; plain JavaScript and jsii-language callers get a message instead of a
 * bare TypeError.
 * @internal
 */
export function requireObject<T>(api: string, what: string, value: T, example: string): NonNullable<T> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(ErrorCode.INVALID_ARGUMENT, api, `${what} is ${describeValue(value)}; it must be an object, e.g. ${example}.`);
  }
  return value as NonNullable<T>;
}

/**
 * Returns `value` if it is an array whose every element passes `isElement`; otherwise throws, naming `what`, the first
 * bad element and an example of an element.
 * @internal
 */
export function requireArray<T>(api: string, what: string, value: T[], isElement: (element: unknown) => boolean, example: string): T[] {
  if (!Array.isArray(value)) fail(ErrorCode.INVALID_ARGUMENT, api, `${what} is ${describeValue(value)}; it must be an array, e.g. [${example}].`);
  const bad = value.findIndex(element => !isElement(element));
  if (bad >= 0) fail(ErrorCode.INVALID_ARGUMENT, api, `${what}[${bad}] is ${describeValue(value[bad])}; each element must be like ${example}.`);
  return value;
}

/**
 * Returns `value` if it passes `isValid`; otherwise throws, naming `what`, what was given and an example.
 * @internal
 */
export function requireValue<T>(api: string, what: string, value: T, isValid: (value: unknown) => boolean, example: string): T {
  if (!isValid(value)) fail(ErrorCode.INVALID_ARGUMENT, api, `${what} is ${describeValue(value)}; give ${example}.`);
  return value;
}
