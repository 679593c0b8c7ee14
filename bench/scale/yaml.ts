/**
 * A small block-style YAML writer for the generated manifests: plain JSON values (objects, arrays, strings, numbers,
 * booleans) in the layout `cdk8s synth` writes (two-space indent, sequence items indented under their key), several
 * times faster than a general YAML library on hundreds of thousands of small objects.
 */

/** A JSON value as the generator builds it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Words YAML 1.1 (which kubectl reads) would take for a boolean or null when written plain. */
const RESERVED = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', '~']);

/**
 * A scalar as YAML: numbers and booleans plain, strings plain when they cannot be read as anything else (letters,
 * digits, `.`, `-`, `_`, `/`, starting with a letter and not a YAML 1.1 keyword), double-quoted (as JSON) otherwise.
 */
export function yamlScalar(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  if (/^[A-Za-z][A-Za-z0-9._/-]*$/.test(value) && !RESERVED.has(value.toLowerCase())) return value;
  return JSON.stringify(value);
}

function isEmpty(value: JsonValue): boolean {
  return typeof value === 'object' && value !== null && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
}

function emptyText(value: JsonValue): string {
  return Array.isArray(value) ? '[]' : '{}';
}

/** Appends the entries of a mapping at `indent`; the first line's indent is `firstIndent` (for `- key: value`). */
function writeMapping(out: string[], value: { [key: string]: JsonValue }, indent: string, firstIndent: string): void {
  let first = true;
  for (const key of Object.keys(value)) {
    const child = value[key];
    const lead = first ? firstIndent : indent;
    first = false;
    if (typeof child !== 'object' || child === null) {
      out.push(`${lead}${key}: ${yamlScalar(child)}`);
    } else if (isEmpty(child)) {
      out.push(`${lead}${key}: ${emptyText(child)}`);
    } else if (Array.isArray(child)) {
      out.push(`${lead}${key}:`);
      writeSequence(out, child, `${indent}  `);
    } else {
      out.push(`${lead}${key}:`);
      writeMapping(out, child, `${indent}  `, `${indent}  `);
    }
  }
}

/** Appends the items of a sequence at `indent` (`- item`). */
function writeSequence(out: string[], items: JsonValue[], indent: string): void {
  for (const item of items) {
    if (typeof item !== 'object' || item === null) {
      out.push(`${indent}- ${yamlScalar(item)}`);
    } else if (isEmpty(item)) {
      out.push(`${indent}- ${emptyText(item)}`);
    } else if (Array.isArray(item)) {
      out.push(`${indent}-`);
      writeSequence(out, item, `${indent}  `);
    } else {
      writeMapping(out, item, `${indent}  `, `${indent}- `);
    }
  }
}

/** One YAML document (without the `---` separator) of a top-level mapping, ending in a newline. */
export function yamlDocument(value: { [key: string]: JsonValue }): string {
  const out: string[] = [];
  writeMapping(out, value, '', '');
  return `${out.join('\n')}\n`;
}

/** A multi-document YAML stream of the objects, documents separated by `---` lines as `cdk8s synth` writes them. */
export function yamlStream(values: { [key: string]: JsonValue }[]): string {
  return values.map(yamlDocument).join('---\n');
}
