/**
 * How a key ID is shown to people, everywhere (the Signers view, prompts, messages, the CLI): its first
 * seven hex digits, as notary's passphrase prompts show them. The full ID goes in tooltips, in
 * *Copy Key ID* and in JSON.
 */

/** How many hex digits of a key ID are shown. */
export const SHORT_KEY_ID_LENGTH = 7;

/** e.g. `1a2b3c4` for `1a2b3c4d…`. */
export function shortKeyId(keyId: string): string {
  return keyId.slice(0, SHORT_KEY_ID_LENGTH);
}
