/**
 * A command line a person can paste into a shell, built from words some of which come from documents,
 * registries or trust data: offered only when every word is plain (letters, digits and `._:/@=-`),
 * so nothing in it can be read by a shell as anything but itself. Options (`--name`) are written by
 * the caller; a value from outside that could pass for one is refused with {@link plainValue}.
 */
const PLAIN = /^[A-Za-z0-9-][A-Za-z0-9._:/@=-]*$/;

/** `words` joined by spaces, or undefined when one of them is not plain. */
export function commandLine(...words: string[]): string | undefined {
  return words.length > 0 && words.every((w) => PLAIN.test(w)) ? words.join(' ') : undefined;
}

/** Whether a value from outside is plain and cannot be taken for an option. */
export function plainValue(value: string): boolean {
  return PLAIN.test(value) && !value.startsWith('-');
}
