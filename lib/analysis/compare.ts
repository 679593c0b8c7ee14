/** The order the connection list and every output sort names in: by UTF-16 code units, as `Array.prototype.sort`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
