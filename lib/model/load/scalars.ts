/**
 * Scalars as kubectl reads them. kubectl converts YAML to JSON with sigs.k8s.io/yaml, which uses go-yaml v2's scalar
 * resolution (resolve.go): YAML 1.1 booleans and numbers, `<<` merge keys, no timestamps. Here those rules are tags
 * of the `yaml` package (KUBECTL_YAML), used by the exact reader (./yaml) and, through `resolvePlainScalar`, by the
 * fast one (./yaml-fast), so that both read every plain scalar alike; `yaml12Difference` tells where a YAML 1.2 tool
 * would read it otherwise.
 */
import { Document, DocumentOptions, isAlias, isMap, isScalar, isSeq, ParseOptions, Scalar, ScalarTag, Schema, SchemaOptions, Tags, YAMLMap } from 'yaml';

/** `.inf`, `.nan` and their spellings: go-yaml reads them as floats that JSON cannot hold, so kubectl fails. */
const goNonFinite: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve(str, onError) {
    const json = /nan/i.test(str) ? 'NaN' : str.startsWith('-') ? '-Inf' : '+Inf';
    onError(`${str} is a YAML 1.1 float (${json}) that JSON cannot hold: kubectl fails on this document ("json: unsupported value: ${json}"). Quote it if a string is meant`);
    return str;
  },
};

const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/**
 * A plain scalar that starts with a digit, a sign or a dot, as go-yaml reads it: strconv.ParseInt(s, 0, 64) after
 * removing underscores (so `010` and `0o10` are octal, `0x`/`0b` prefixes in either case), then ParseUint, then a
 * YAML-style float; anything else (`1:20`, `2001-12-14`, `1e400`) is a string.
 */
export function goNumber(str: string): number | string {
  if (str.startsWith('.')) {
    const value = GO_DOT_FLOAT.test(str) ? Number(str) : NaN;
    return Number.isFinite(value) ? value : str;
  }
  const plain = str.replace(/_/g, '');
  const int = GO_INT.exec(plain);
  if (int) {
    const digits = int[2];
    const [radix, body] = /^0[xX]/.test(digits) ? [16, digits.slice(2)] : /^0[bB]/.test(digits) ? [2, digits.slice(2)]
      : /^0[oO]/.test(digits) ? [8, digits.slice(2)] : digits.length > 1 && digits[0] === '0' ? [8, digits.slice(1)] : [10, digits];
    const magnitude = parseInt(body, radix);
    const value = int[1] === '-' ? -magnitude : magnitude;
    // Past int64, go-yaml tries uint64 (no sign), then a float, which only decimal digits can be.
    if (value >= -(2 ** 63) && value < 2 ** 63) return value;
    if (int[1] === '' && value < 2 ** 64) return value;
    if (radix !== 10) return str;
  }
  if (GO_FLOAT.test(plain)) {
    const value = Number(plain);
    if (Number.isFinite(value)) return value;
  }
  return str;
}

const goInt: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^[-+0-9.]/,
  resolve: str => goNumber(str),
};

const goFloat: ScalarTag = { ...goInt, tag: 'tag:yaml.org,2002:float' };

/** `!!binary`: go-yaml decodes the base64 text (line breaks ignored) into a string. */
const goBinary: ScalarTag = {
  tag: 'tag:yaml.org,2002:binary',
  resolve(str, onError) {
    const data = str.replace(/[\r\n]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
      onError('!!binary value contains invalid base64 data; kubectl fails on this document');
      return str;
    }
    return Buffer.from(data, 'base64').toString('utf8');
  },
};

const MERGE = '<<';

interface ToJsContext {
  readonly doc: Document;
}

/** Adds a `<<` merge to a map being converted, as go-yaml v2 does: every merged key overrides what is there. */
function goMergeIntoMap(ctx: ToJsContext, map: unknown, value: unknown): unknown {
  const wantMap = () => new Error('map merge requires map or sequence of maps as the value');
  const target = (node: unknown): YAMLMap => {
    const resolved = isAlias(node) ? node.resolve(ctx.doc, ctx as never) : node;
    if (!isMap(resolved)) throw wantMap();
    return resolved;
  };
  // A sequence of maps merges right to left, so that earlier maps win among themselves.
  const sources = isSeq(value) ? [...value.items].reverse().map(target) : [target(value)];
  for (const source of sources) {
    const merged = source.toJSON(null, ctx as never) as { [key: string]: unknown };
    for (const [key, v] of Object.entries(merged)) {
      Object.defineProperty(map, key, { value: v, writable: true, enumerable: true, configurable: true });
    }
  }
  return map;
}

const goMerge: ScalarTag = {
  tag: 'tag:yaml.org,2002:merge',
  default: 'key',
  test: /^<<$/,
  identify: value => value === MERGE || (typeof value === 'symbol' && value.description === MERGE),
  resolve: () => Object.assign(new Scalar(Symbol(MERGE)), { addToJSMap: goMergeIntoMap }),
  stringify: () => MERGE,
};

const KEPT = ['map', 'seq', 'str', 'null', 'bool'].map(name => `tag:yaml.org,2002:${name}`);

/** The YAML 1.1 schema of the `yaml` package, with go-yaml's numbers, merges and binaries, without timestamps, sets or sexagesimals. */
function kubectlTags(tags: Tags): Tags {
  const kept = tags.filter(tag => typeof tag !== 'string' && KEPT.includes(tag.tag));
  return [...kept, goNonFinite, goInt, goFloat, goMerge, goBinary];
}

/** Parse options that make the `yaml` package read scalars, merges and duplicate keys as kubectl does. */
export const KUBECTL_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'yaml-1.1',
  customTags: kubectlTags,
  merge: false,
  resolveKnownTags: false,
  uniqueKeys: false,
  logLevel: 'error',
};

/**
 * Whether a plain scalar's YAML 1.2 reading may differ from kubectl's: go-yaml and the YAML 1.2 core schema read
 * nulls alike, and plain decimals and true/false alike; a string to go-yaml is a string to YAML 1.2 unless it
 * looks like a number (`1e400`, which overflows).
 */
function mayDiffer(kubectl: unknown, source: string): boolean {
  if (kubectl === null) return false;
  if (typeof kubectl === 'string') return /^[-+.0-9]/.test(source);
  if (typeof kubectl === 'number') return !/^(0|[1-9][0-9]*)$/.test(source);
  if (typeof kubectl === 'boolean') return !/^(true|True|TRUE|false|False|FALSE)$/.test(source);
  return true;
}

/** The YAML 1.2 core schema, to tell where kubectl's reading of a plain scalar differs from a YAML 1.2 tool's. */
let coreTags: ScalarTag[] | undefined;

function yaml12Value(source: string): unknown {
  coreTags ??= new Schema({ schema: 'core' }).tags.filter((t): t is ScalarTag => !('collection' in t && t.collection));
  const tag = coreTags.find(t => t.default === true && t.test?.test(source));
  if (!tag) return source;
  const value = tag.resolve(source, () => undefined, {});
  return isScalar(value) ? value.value : value;
}

/**
 * Where kubectl's YAML 1.1 reading of a plain scalar differs from a YAML 1.2 tool's: the YAML 1.2 value, or
 * undefined when both read the same.
 * @param kubectl the value kubectl reads
 * @param source the scalar as written
 */
export function yaml12Difference(kubectl: unknown, source: string): { readonly yaml12: unknown } | undefined {
  if (!mayDiffer(kubectl, source)) return undefined;
  const yaml12 = yaml12Value(source);
  if (kubectl === yaml12 || (typeof kubectl === 'number' && typeof yaml12 === 'number' && isNaN(kubectl) && isNaN(yaml12))) return undefined;
  return { yaml12 };
}

/** Returned by `plainScalarValue` for a scalar the fast reader leaves to the exact one. */
export const UNSURE: unique symbol = Symbol('unsure');

/** The tags of KUBECTL_YAML, in the order the `yaml` package tries them. */
let kubectlScalarTags: ScalarTag[] | undefined;

/**
 * The first characters of a plain scalar that any of KUBECTL_YAML's tags can match (null: `~`, `null`, the empty
 * string; the YAML 1.1 booleans; go-yaml's numbers and non-finite floats; `<<`): a plain scalar that starts with any
 * other character is a string that YAML 1.2 reads alike, without trying the tags (a property test compares with the
 * `yaml` package's own reading).
 */
const MAY_RESOLVE = new Uint8Array(128);
for (const c of '~nNtTfFyYoO+-.0123456789<') MAY_RESOLVE[c.charCodeAt(0)] = 1;

/**
 * Whether a scalar is a decimal integer without sign or leading zero, of at most 15 digits: go-yaml and YAML 1.2 both
 * read it as the number JavaScript's Number() gives (the common case of ports and counts, without the tags).
 */
function isSmallDecimal(source: string): boolean {
  const length = source.length;
  if (length === 0 || length > 15 || (source.charCodeAt(0) === 48 && length > 1)) return false;
  for (let i = 0; i < length; i++) {
    const c = source.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * A plain (unquoted, untagged) scalar as kubectl reads it, resolved exactly as the `yaml` package resolves it with
 * KUBECTL_YAML (the first default tag whose test matches, the merge tag only for a key, else a string), when that
 * reading needs no word to the user. UNSURE for `<<` as a key, for a scalar whose tag reports an error (`.inf`), and
 * for one that YAML 1.2 reads otherwise (`010`, `yes`): the exact reader reports those.
 * @param source the scalar's text (after line folding)
 * @param isKey whether the scalar is a map key
 */
export function plainScalarValue(source: string, isKey: boolean): unknown {
  if (source.length > 0 && MAY_RESOLVE[source.charCodeAt(0)] !== 1) return source;
  if (isSmallDecimal(source)) return Number(source);
  // The same few words (`name`, `namespace`, `TCP`, `true`) come back on every object: each is resolved once.
  const cache = isKey ? resolvedKeys : resolvedValues;
  let value = cache.get(source);
  if (value === undefined) {
    value = resolvePlainScalar(source, isKey);
    if (cache.size >= MAX_RESOLVED) cache.clear();
    // Values are shared between documents: only those nobody can change (all of them, unless a tag made an object).
    if (value === null || typeof value !== 'object') cache.set(source, value);
  }
  return value;
}

/** How many plain scalars each cache of `plainScalarValue` holds before it starts over. */
const MAX_RESOLVED = 10_000;
const resolvedKeys = new Map<string, unknown>();
const resolvedValues = new Map<string, unknown>();

/** `plainScalarValue` of a scalar that may resolve to something other than itself, without the cache. */
function resolvePlainScalar(source: string, isKey: boolean): unknown {
  kubectlScalarTags ??= new Document(null, KUBECTL_YAML).schema.tags.filter((t): t is ScalarTag => !('collection' in t && t.collection));
  const tag = kubectlScalarTags.find(t => (t.default === true || (isKey && t.default === 'key')) && t.test?.test(source) === true);
  let value: unknown = source;
  if (tag) {
    let failed = false;
    try {
      const resolved = tag.resolve(source, () => { failed = true; }, {});
      value = isScalar(resolved) ? resolved.value : resolved;
    } catch {
      return UNSURE;
    }
    if (failed || typeof value === 'symbol') return UNSURE;
  }
  return yaml12Difference(value, source) ? UNSURE : value;
}
