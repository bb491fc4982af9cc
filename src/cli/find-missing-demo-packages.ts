/**
 * The demo runs a development chain (hardhat) and an SMTP sink (smtp-server, with
 * libmime to print decoded subjects). They are optionalDependencies, so a production install (`npm ci --omit=optional`,
 * the Docker image) leaves them out; the demo then says so instead of crashing
 * on a missing module.
 */
export const DEMO_PACKAGES = ['hardhat', 'smtp-server', 'libmime'] as const;

/** Returns the demo packages that `resolve` cannot find (it throws for a missing one, like require.resolve). */
export function findMissingDemoPackages(resolve: (name: string) => unknown): string[] {
  return DEMO_PACKAGES.filter((name) => {
    try {
      resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

export function describeMissingDemoPackages(missing: readonly string[]): string {
  return (
    `chainwatch demo needs ${missing.join(' and ')}, which this install left out (a production install: ` +
    `npm ci --omit=optional, or the Docker image). Install ${missing.length > 1 ? 'them' : 'it'} with: npm install ${missing.join(' ')}`
  );
}
