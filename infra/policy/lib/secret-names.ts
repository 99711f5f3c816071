/** Environment variable names that look like they carry a secret value. */

const SECRET_WORDS = ["KEY", "TOKEN", "PASSWORD", "SECRET", "PASSPHRASE", "PRIVATE"] as const;

/**
 * True when `name` contains one of KEY, TOKEN, PASSWORD, SECRET, PASSPHRASE, PRIVATE (any case)
 * and does not end with one of `pointerSuffixes` (e.g. `_FILE`: the variable names a file that
 * holds the secret, not the secret itself).
 */
export function looksSecret(name: string, pointerSuffixes: readonly string[]): boolean {
  const upper = name.toUpperCase();
  if (pointerSuffixes.some((suffix) => upper.endsWith(suffix))) return false;
  return SECRET_WORDS.some((word) => upper.includes(word));
}
