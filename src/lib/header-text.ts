/**
 * Text that ends up in an email header (display names, subjects): CR, LF and every other control or line-separator
 * character becomes a space, so a value from a CRM can never start a header of its own. Use it where a header is
 * composed and where such text enters (imports).
 */
export function headerSafe(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}
