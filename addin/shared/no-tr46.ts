/**
 * Stands in for tr46 in the add-in bundles. The add-in never converts IDNs itself (the backend does), so
 * this only keeps the import graph whole; reaching it is a bug worth an error, not a silent wrong answer.
 */
export function toASCII(): string | null {
  throw new Error('IDN conversion is done by the TLS Gate backend, not in the add-in.');
}
