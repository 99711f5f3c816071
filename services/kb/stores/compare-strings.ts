/** The one string order the stores sort by, so both backends break ties identically. */

/**
 * Orders strings by UTF-16 code units, like `Array.prototype.sort`'s default: locale-independent
 * and stable across machines, which `localeCompare` is not. For use in `sort` comparators.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
