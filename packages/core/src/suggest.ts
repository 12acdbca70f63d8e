/**
 * "Did you mean" suggestions for misspelt option and attribute names.
 *
 * @module
 */

function _normalize(name: string): string {
  return name.replace(/[_\-\s]/g, '').toLowerCase();
}

/**
 * Find the known name that `name` was most likely meant to be.
 *
 * The comparison ignores case, underscores, dashes and spaces, so the Python
 * spellings `samplerate`, `extra_settings` or `channel_selectors` find
 * `sampleRate`, `extraSettings` and `channelSelectors`.
 *
 * @param name - The name that was not recognised.
 * @param known - The names that are recognised.
 * @returns The matching known name, or `undefined` if there is none.
 */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  const wanted = _normalize(name);
  return known.find((candidate) => _normalize(candidate) === wanted);
}
