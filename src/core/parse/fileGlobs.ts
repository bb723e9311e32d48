import picomatch from 'picomatch';

const matchers = new Map<string, (path: string) => boolean>();

/**
 * Whether a path (relative, `/`-separated) matches any of the globs; dotfiles match like other files.
 * No globs match nothing. Compiled matchers are kept per list of globs.
 */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const key = JSON.stringify(globs);
  let m = matchers.get(key);
  if (!m) {
    const compiled = globs.length > 0 ? picomatch([...globs], { dot: true }) : () => false;
    m = (path) => compiled(path);
    matchers.set(key, m);
  }
  return m;
}
