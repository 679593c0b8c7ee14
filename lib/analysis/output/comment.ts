/**
 * Markdown written to be posted as a pull-request comment (`diff --output md`, `replay --output md`): GitHub refuses
 * a comment body over 65,536 characters, so these outputs are cut at a row to fit, ending with a note that counts
 * what was left out.
 */

/** GitHub's limit on the body of a pull-request comment, in characters: the Markdown reports are cut to fit it by default. */
export const PR_COMMENT_MAX_LENGTH = 65_536;

/** The smallest `maxLength`: room for a summary, a table's head and the closing note. */
const MIN_MAX_LENGTH = 1_000;

/**
 * Room a cut report keeps free for its closing note.
 * @internal
 */
export const _NOTE_ROOM = 600;

/**
 * Throws unless `maxLength` is a whole number of at least 1,000, or `Infinity`.
 * @internal
 */
export function _checkMaxLength(maxLength: number): void {
  if (!(maxLength >= MIN_MAX_LENGTH) || (Number.isFinite(maxLength) && !Number.isInteger(maxLength))) {
    throw new Error(`maxLength: ${maxLength} is not allowed; use a whole number of characters of at least ${MIN_MAX_LENGTH.toLocaleString('en-US')} (GitHub's comment limit is ${PR_COMMENT_MAX_LENGTH.toLocaleString('en-US')}), or Infinity for every row`);
  }
}

/**
 * The closing note of a cut report: `left` counts what is not shown (`2,450 removed`), `what` names it (`rows`),
 * `hint` says how to see everything.
 * @internal
 */
export function _cutNote(maxLength: number, left: readonly string[], what: string, hint: string): string {
  const list = left.length === 1 ? left[0] : `${left.slice(0, -1).join(', ')} and ${left[left.length - 1]}`;
  return `\n_Cut to fit a pull-request comment (${maxLength.toLocaleString('en-US')} characters): ${list} ${what} are not shown. ${hint}_\n`;
}
