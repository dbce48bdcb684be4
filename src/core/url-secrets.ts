// Passwords inside connection URLs, so a URL echoed back in part is still redacted. Its own
// module so feature settings can use it without importing config.ts (no import cycle).
export function urlSecrets(url: string | undefined): string[] {
  if (!url || !URL.canParse(url)) return [];
  const u = new URL(url);
  const out: string[] = [];
  if (u.password) {
    out.push(u.password);
    // A stray '%' in the password must not crash start-up with a URIError.
    try {
      out.push(decodeURIComponent(u.password));
    } catch {
      // the raw form is already listed
    }
  }
  return out;
}
