/** What a jest matcher returns: whether it passed, and the message jest prints. */
export interface MatcherResult {
  /** Whether the assertion holds. */
  pass: boolean;
  /** The message for a failure (or, with `.not`, for a pass). */
  message: () => string;
}
