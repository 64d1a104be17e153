/**
 * The counts a security suite proved, printed as one `SECURITY-SUMMARY` JSON
 * line that SECURITY.md quotes.
 */
export function reportSecuritySummary(counts: Record<string, unknown>): void {
  // eslint-disable-next-line no-console
  console.log(`SECURITY-SUMMARY ${JSON.stringify(counts)}`);
}
