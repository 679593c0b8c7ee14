/**
 * Loading Kubernetes manifests into the plain-data model: YAML or JSON text (multi-document, concatenated JSON
 * objects, `kind: List` and `*List` kinds with `items`), files and directories, or objects that are already parsed
 * (cdk8s `ApiObject.toJson()`). Text is read as kubectl reads it (YAML 1.1 scalars and merge keys, go-yaml's
 * leniency, JSON streams), and objects are checked as the API server would check them.
 *
 * Nothing is dropped silently: every skipped document or object, every object the API server would reject and every
 * assumption (a namespace that is referenced but not declared) is reported as a diagnostic with file, document index
 * and field path.
 *
 * The parts, by concern, are under ./load/: files (which files a directory holds), json and yaml (text -> values, as
 * kubectl reads them; yaml-fast reads the plain YAML tools write, scalars holds go-yaml's scalar rules both share),
 * documents (a file's documents), objects and policy (the API server's rules), builder (objects -> model),
 * diagnostics.
 */
import * as fs from 'fs';
import { ClusterBuilder, LoadResult } from './load/builder';
import { DiagnosticCode, DiagnosticSeverity } from './load/diagnostics';
import { readDocuments } from './load/documents';
import { MANIFEST_EXTENSIONS, readTextFile, walkManifestFiles } from './load/files';
import { MAX_FILE_BYTES, mebibytes } from './load/limits';

export { LoadResult } from './load/builder';
export { Diagnostic, DiagnosticCode, DiagnosticSeverity, formatDiagnostic, someOf } from './load/diagnostics';
export { ManifestDocument, readDocuments } from './load/documents';
export { listManifestFiles, MANIFEST_EXTENSIONS, NOT_MANIFESTS } from './load/files';
export { yamlChunks } from './load/yaml';

function addText(builder: ClusterBuilder, text: string, file: string | undefined): void {
  const lines: number[] = [];
  if (file !== undefined) builder.documentLines.set(file, lines);
  for (const doc of readDocuments(text, file)) {
    lines[doc.documentIndex] = doc.line;
    if (doc.diagnostics.length > 0) builder.diagnostics.push(...doc.diagnostics);
    if (doc.value !== undefined) builder.addDocument(doc.value, { file, documentIndex: doc.documentIndex, prefix: '' }, doc.readings);
  }
}

/**
 * Loads already-parsed manifest objects (for example cdk8s `ApiObject.toJson()` output). `documentIndex` of a
 * diagnostic is the object's index in `objects`.
 * @param source a name for diagnostics (e.g. the chart), reported as `file`
 */
export function loadObjects(objects: unknown[], source?: string): LoadResult {
  const builder = new ClusterBuilder();
  objects.forEach((object, i) => builder.addDocument(object, { file: source, documentIndex: i, prefix: '' }));
  return builder.finish();
}

/** Loads YAML or JSON text (multi-document YAML, concatenated JSON objects, List kinds). */
export function loadText(text: string, source?: string): LoadResult {
  const builder = new ClusterBuilder();
  addText(builder, text, source);
  return builder.finish();
}

/**
 * Loads files and directories. A directory contributes its `*.yaml`, `*.yml` and `*.json` files, recursively and
 * sorted, without following symlinks to directories (as `kubectl apply -R`); a file named explicitly is read
 * whatever its extension. Files are read and parsed one at a time.
 */
export function loadPaths(paths: string[]): LoadResult {
  const builder = new ClusterBuilder();
  for (const p of paths) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(p, { throwIfNoEntry: false });
    } catch (err) {
      builder.report(DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, `${p} cannot be read: ${(err as Error).message}`, { file: p, prefix: '' });
      continue;
    }
    if (!stat) {
      builder.report(DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, `${p} does not exist`, { file: p, prefix: '' });
      continue;
    }
    let files = [p];
    if (stat.isDirectory()) {
      const listing = walkManifestFiles(p);
      builder.diagnostics.push(...listing.diagnostics);
      files = listing.files;
      if (files.length === 0) {
        builder.report(DiagnosticSeverity.WARNING, DiagnosticCode.MISSING_FILE, `directory ${p} holds no ${MANIFEST_EXTENSIONS.join(', ')} files`, { file: p, prefix: '' });
      }
    }
    for (const file of files) {
      let text: string;
      try {
        const size = fs.statSync(file).size;
        if (size > MAX_FILE_BYTES) {
          builder.report(DiagnosticSeverity.ERROR, DiagnosticCode.TOO_LARGE,
            `${file} is ${mebibytes(size)}; files over ${mebibytes(MAX_FILE_BYTES)} are not read. Split it (for example one file per namespace) and pass the directory`, { file, prefix: '' });
          continue;
        }
        text = readTextFile(file);
      } catch (err) {
        builder.report(DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, `${file} cannot be read: ${(err as Error).message}`, { file, prefix: '' });
        continue;
      }
      addText(builder, text, file);
    }
  }
  return builder.finish();
}
