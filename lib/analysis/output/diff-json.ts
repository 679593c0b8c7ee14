/**
 * A JSON rendering of a connectivity diff, stable for other tools (and for a lock file to compare against). Written
 * entry by entry (`writeDiffJson`), byte for byte what `JSON.stringify(toJsonDiff(diff), null, 2)` gives.
 */
import { ConnectionDiff, DiffCounts, DiffEntries, diffSize, DiffType } from '../diff';
import { ConnectionSet } from '../connection-set';
import { Endpoint, endpointName } from '../endpoints';
import { workloadsDiffInfo } from './diff-np-guard';
import { JsonPorts, toJsonPorts } from './json';
import { collectText, Write } from './write';

/** A connection set in the JSON diff: its text and its ports. */
export interface JsonConnectionSet extends JsonPorts {
  /** The connlist text (`All Connections`, `No Connections`, `TCP 80,UDP 53`). */
  readonly conn: string;
}

/** One entry of the JSON diff. */
export interface JsonConnectionDiff {
  /** `changed`, `added` or `removed`. */
  readonly type: DiffType;
  /** The source name (`ns/name[Kind]` or `first-last[External]`). */
  readonly src: string;
  /** The destination name. */
  readonly dst: string;
  /** The source, structured. */
  readonly source: Endpoint;
  /** The destination, structured. */
  readonly destination: Endpoint;
  /** The connections before (`ref1`). */
  readonly old: JsonConnectionSet;
  /** The connections after (`ref2`). */
  readonly new: JsonConnectionSet;
  /** Allowed after but not before. */
  readonly gained: JsonConnectionSet;
  /** Allowed before but not after. */
  readonly lost: JsonConnectionSet;
  /** The names of the pair's workloads that exist on one side only. */
  readonly workloads: string[];
  /** netpol-analyzer's `workloads-diff-info` text (`''` when none). */
  readonly workloadsDiffInfo: string;
}

/** The JSON document: the counts and the entries in the diff's order. */
export interface JsonDiff {
  /** The number of entries of each type. */
  readonly counts: DiffCounts;
  /** The entries. */
  readonly diffs: JsonConnectionDiff[];
}

/** A connection set as plain JSON-ready data. */
export function toJsonConnectionSet(set: ConnectionSet): JsonConnectionSet {
  return { conn: set.toString(), ...toJsonPorts(set) };
}

/** One entry as plain JSON-ready data. */
function toJsonEntry(e: ConnectionDiff): JsonConnectionDiff {
  return {
    type: e.type,
    src: endpointName(e.src),
    dst: endpointName(e.dst),
    source: e.src,
    destination: e.dst,
    old: toJsonConnectionSet(e.oldConns),
    new: toJsonConnectionSet(e.newConns),
    gained: toJsonConnectionSet(e.gained),
    lost: toJsonConnectionSet(e.lost),
    workloads: e.addedOrRemovedWorkloads.map(endpointName),
    workloadsDiffInfo: workloadsDiffInfo(e),
  };
}

/** The diff as plain JSON-ready objects. */
export function toJsonDiff(diff: DiffEntries): JsonDiff {
  return {
    counts: { changed: diff.counts.changed, added: diff.counts.added, removed: diff.counts.removed },
    diffs: [...diff.entries].map(toJsonEntry),
  };
}

/** The diff as pretty-printed JSON with a trailing newline (`{"counts": {...}, "diffs": []}` when empty). */
export function formatDiffJson(diff: DiffEntries): string {
  return collectText(write => writeDiffJson(diff, write));
}

/** `JSON.stringify(value, null, 2)` for a value nested `depth` levels deep (its lines indented to match). */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/** Writes the JSON of `formatDiffJson` entry by entry (JSON strings hold no raw newline, so indenting lines is safe). */
export function writeDiffJson(diff: DiffEntries, write: Write): void {
  const counts: DiffCounts = { changed: diff.counts.changed, added: diff.counts.added, removed: diff.counts.removed };
  write(`{\n  "counts": ${nested(counts, 1)},\n  "diffs": [`);
  if (diffSize(diff) === 0) {
    write(']\n}\n');
    return;
  }
  let first = true;
  for (const e of diff.entries) {
    write(`${first ? '' : ','}\n    ${nested(toJsonEntry(e), 2)}`);
    first = false;
  }
  write('\n  ]\n}\n');
}
