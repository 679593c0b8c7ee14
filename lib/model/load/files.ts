/**
 * Which files a directory contributes, as `kubectl apply -R -f DIR` chooses them: `*.yaml`, `*.yml` and `*.json`,
 * recursively, in lexical order; a symlink to a file is read, a symlink to a directory is not followed (Go's
 * filepath.Walk, which kubectl uses, does not follow it), so a symlink loop cannot recurse forever.
 */
import { constants, isAscii } from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import { diagnostic, Diagnostic, DiagnosticCode, DiagnosticSeverity } from './diagnostics';

/**
 * A file's text, decoded as UTF-8 (as `fs.readFileSync(file, 'utf8')`). Pure ASCII (most manifests and flow logs) is
 * decoded as Latin-1 instead, which gives the same string faster. Throws as `fs.readFileSync` does.
 */
export function readTextFile(file: string): string {
  return decodeText(fs.readFileSync(file));
}

/** Bytes as UTF-8 text; pure ASCII decoded as Latin-1, which gives the same string faster. */
export function decodeText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf-8');
}

/** A part of a text, and the line of the whole text it starts on (see `readTextFileParts`). */
export interface TextPart {
  /** The text of the part. */
  readonly text: string;
  /** The 1-based line where it starts. */
  readonly firstLine: number;
}

/** How `readTextFileParts` cuts a file. */
export interface TextPartsOptions {
  /** A part ends just after the line break of a `\n` followed by this text (`''`: after any line break). */
  readonly cutBefore: string;
  /** How much to read at a time: each part holds about this much. */
  readonly partBytes: number;
  /** The most a part may hold when no cut is found for that long. */
  readonly maxPartBytes: number;
  /** The error for a stretch of `bytes` without a cut, longer than `max` (or too long for a string). */
  readonly tooLong: (bytes: number, max: number) => Error;
}

/**
 * The text of a file in parts, in order, each cut at a line break (see `TextPartsOptions.cutBefore`) and with the line
 * it starts on; together they are the text `fs.readFileSync(file, 'utf8')` gives, but no part is longer than a string
 * can be (about 512 MiB), and only one is held at a time. The file is opened and the first part read now, so that a
 * missing file or a directory throws here (as `fs.readFileSync` does); the other parts are read as they are iterated.
 */
export function readTextFileParts(file: string, options: TextPartsOptions): Iterable<TextPart> {
  const parts = readParts(fs.openSync(file, 'r'), Buffer.from(`\n${options.cutBefore}`), options);
  const first = parts.next();
  return {
    *[Symbol.iterator]() {
      if (first.done) return;
      yield first.value;
      yield* parts;
    },
  };
}

/** The parts of an open file, from its start; closes the file when done (or abandoned). */
function* readParts(fd: number, cut: Buffer, options: TextPartsOptions): Generator<TextPart> {
  const { partBytes, maxPartBytes, tooLong } = options;
  try {
    let pending = Buffer.alloc(0);
    let firstLine = 1;
    let eof = false;
    while (!eof) {
      // Another `partBytes` (or as much as is pending, when no cut was found in it: the reads grow).
      const buffer = Buffer.allocUnsafe(pending.length + Math.max(partBytes, pending.length));
      pending.copy(buffer, 0);
      let filled = pending.length;
      while (filled < buffer.length) {
        const read = fs.readSync(fd, buffer, filled, buffer.length - filled, null);
        if (read === 0) {
          eof = true;
          break;
        }
        filled += read;
      }
      const data = buffer.subarray(0, filled);
      const start = eof ? -1 : data.lastIndexOf(cut);
      if (!eof && start < 0) {
        if (data.length > maxPartBytes) throw tooLong(data.length, maxPartBytes);
        pending = data;
        continue;
      }
      const end = eof ? data.length : start + 1;
      if (end > maxPartBytes) throw tooLong(end, maxPartBytes);
      const part = data.subarray(0, end);
      // The rest (the start of the next part) is copied, so the part's buffer can go once it is decoded.
      pending = Buffer.from(data.subarray(end));
      if (part.length === 0) continue;
      yield { text: decodePart(part, tooLong), firstLine };
      firstLine += lineBreaks(part);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A part's text (`decodeText`), or the `tooLong` error when it is too long for a string. */
function decodePart(part: Buffer, tooLong: (bytes: number, max: number) => Error): string {
  try {
    return decodeText(part);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') throw tooLong(part.length, constants.MAX_STRING_LENGTH);
    throw e;
  }
}

/** The number of line breaks (`\n`) in the bytes. */
function lineBreaks(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

/** Files in a directory that are not manifests: cdk8s synth writes construct-metadata.json beside them. */
export const NOT_MANIFESTS: readonly string[] = ['construct-metadata.json'];

/** The file extensions read when a directory is given. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.includes(path.extname(name).toLowerCase()) && !NOT_MANIFESTS.includes(name);
}

/** The manifest files under a directory and what there is to say about the entries left out. */
export interface DirectoryListing {
  /** The manifest files, sorted by path (code-unit order within each directory, depth first). */
  readonly files: string[];
  /** Unreadable directories, dangling or looping symlinks, symlinked directories not followed. */
  readonly diagnostics: Diagnostic[];
}

/** Lists the manifest files under a directory, recursively, without ever following a symlink to a directory. */
export function walkManifestFiles(directory: string): DirectoryListing {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const report = (severity: DiagnosticSeverity, code: DiagnosticCode, file: string, message: string) =>
    diagnostics.push(diagnostic(severity, code, message, { file, prefix: '' }));
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      report(DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, dir, `directory ${dir} cannot be read: ${(err as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        if (isManifestName(entry.name)) files.push(full);
      } else if (entry.isSymbolicLink()) symlink(dir, full, entry.name);
    }
  };
  const symlink = (dir: string, full: string, name: string): void => {
    const target = readlink(full);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch (err) {
      // A dangling or looping link: kubectl -R fails on it when its name is a manifest's, and ignores it otherwise.
      if (!isManifestName(name)) return;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ELOOP' ? 'a symlink loop' : code === 'ENOENT' ? 'a dangling symlink (its target does not exist)' : `a symlink that cannot be followed (${(err as Error).message})`;
      report(DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, full,
        `${full} -> ${target} is ${why}; kubectl apply -R fails on it too. Remove the link or fix its target`);
      return;
    }
    if (stat.isFile()) {
      if (isManifestName(name)) files.push(full);
      return;
    }
    if (!stat.isDirectory()) return;
    if (isManifestName(name)) {
      report(DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, full,
        `${full} -> ${target} is named like a manifest but links to a directory; kubectl apply -R fails on it ("is a directory"). Rename or remove the link`);
      return;
    }
    const resolved = realpath(full);
    const here = realpath(dir);
    const loop = resolved !== undefined && here !== undefined && (here === resolved || here.startsWith(resolved + path.sep));
    if (loop) {
      report(DiagnosticSeverity.INFO, DiagnosticCode.SYMLINKED_DIRECTORY, full,
        `${full} -> ${target} is a symlink loop back to ${resolved}; not followed (kubectl apply -R does not follow symlinks to directories), and nothing is lost: that directory is being read`);
    } else {
      report(DiagnosticSeverity.WARNING, DiagnosticCode.SYMLINKED_DIRECTORY, full,
        `${full} -> ${target} is a symlink to a directory; not followed, as kubectl apply -R does not follow it, so its manifests are not read. Pass ${resolved ?? target} as a PATH of its own to read them`);
    }
  };
  walk(directory);
  return { files, diagnostics };
}

/**
 * The manifest files under a directory, recursively, sorted by path (code-unit order) for determinism; cdk8s's
 * construct-metadata.json is not a manifest and is left out. Symlinks to directories are not followed.
 */
export function listManifestFiles(directory: string): string[] {
  return walkManifestFiles(directory).files;
}

function readlink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return '?';
  }
}

function realpath(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
}
