/**
 * Text -> documents, as kubectl splits and decodes a file: a stream of JSON values when the text starts with `{`,
 * YAML documents otherwise (see ./json and ./yaml).
 */
import { diagnostic, Diagnostic, DiagnosticCode, DiagnosticSeverity } from './diagnostics';
import { isJsonStream, jsonValues } from './json';
import { findOversizedDocument, MAX_OBJECT_BYTES, mebibytes } from './limits';
import { countLines, YamlReading, yamlDocuments } from './yaml';

/** One document of a manifest file, as kubectl reads it. */
export interface ManifestDocument {
  /** The zero-based index of the document in the file. */
  readonly documentIndex: number;
  /** The 1-based line where the document's content starts. */
  readonly line: number;
  /** The value; undefined when the document cannot be read (an error diagnostic says why). */
  readonly value?: unknown;
  /** What there is to say about reading it (malformed, duplicate keys, lenient YAML), with file and document index. */
  readonly diagnostics: Diagnostic[];
  /** Where kubectl's YAML 1.1 reading differs from YAML 1.2's, by field path. */
  readonly readings: Map<string, YamlReading>;
}

const SEVERITY = { error: DiagnosticSeverity.ERROR, warning: DiagnosticSeverity.WARNING, info: DiagnosticSeverity.INFO };
const CODE = { 'malformed': DiagnosticCode.MALFORMED_DOCUMENT, 'duplicate-key': DiagnosticCode.DUPLICATE_KEY, 'lenient': DiagnosticCode.LENIENT_YAML };

/**
 * The documents of a manifest file's text, in order, with the document indexes the diagnostics use: each JSON value
 * of a JSON stream, or each YAML document (empty ones included, as kubectl skips them).
 * @param file the file name for diagnostics
 */
export function* readDocuments(text: string, file?: string): Generator<ManifestDocument> {
  let documentIndex = 0;
  if (isJsonStream(text)) {
    // Lines are counted on from the previous value, not from the start of the text each time.
    let line = 1;
    let counted = 0;
    for (const json of jsonValues(text)) {
      const at = { file, documentIndex, prefix: '' };
      line += countLines(text, json.offset, counted);
      counted = json.offset;
      if (json.error) {
        const errorLine = countLines(text, json.error.offset) + 1;
        const col = json.error.offset - text.lastIndexOf('\n', json.error.offset - 1);
        yield {
          documentIndex, line, readings: new Map(),
          diagnostics: [diagnostic(DiagnosticSeverity.ERROR, DiagnosticCode.MALFORMED_DOCUMENT,
            `malformed JSON (line ${errorLine}, column ${col}): ${json.error.message}; the rest of the file is not read, as kubectl stops there too. A file that starts with { is read as JSON objects one after another (separated by nothing but spaces and line breaks)`, at)],
        };
        return;
      }
      yield { documentIndex: documentIndex++, line, value: json.value, diagnostics: [], readings: new Map() };
    }
    return;
  }
  const oversized = findOversizedDocument(text);
  if (oversized) {
    yield {
      documentIndex, line: oversized.line, readings: new Map(),
      diagnostics: [diagnostic(DiagnosticSeverity.ERROR, DiagnosticCode.TOO_LARGE,
        `the YAML document at line ${oversized.line} is ${mebibytes(oversized.size)}, more than the API server accepts in one object (${mebibytes(MAX_OBJECT_BYTES)}), and it is not a List; the file is not read. Remove the oversized object (often a ConfigMap or Secret with embedded data) from the input`, { file, prefix: '' })],
    };
    return;
  }
  for (const doc of yamlDocuments(text)) {
    const at = { file, documentIndex, prefix: '' };
    const diagnostics = doc.problems.map(p => diagnostic(SEVERITY[p.severity], CODE[p.code], p.message, at, p.field !== undefined ? { field: p.field } : {}));
    const { line, readings } = doc;
    yield doc.value !== undefined ? { documentIndex, line, value: doc.value, diagnostics, readings } : { documentIndex, line, diagnostics, readings };
    documentIndex++;
  }
}
