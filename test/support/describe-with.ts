/**
 * The one guard for tests that need something from outside node_modules (a
 * Ruby gem, a browser, a running service). When a requirement is missing the
 * suite is skipped with a loud warning locally, and fails under CI=true, where
 * `.ci/run` installs and starts everything.
 */

/** Something a test needs from the machine: how to tell whether it is there, and how to get it. */
export interface Requirement {
  /** What is needed, in words ("ruby with the jwt gem"). */
  readonly name: string;
  /** How to get it on Debian ("apt-get install ruby ruby-jwt"). */
  readonly install: string;
  /** Resolves to why the requirement is not met, or undefined when it is. */
  readonly whyMissing: () => string | undefined | Promise<string | undefined>;
}

/** The message naming what is missing, why, and how to install it. */
async function missingMessage(requirements: readonly Requirement[]): Promise<string | undefined> {
  const lines: string[] = [];
  for (const requirement of requirements) {
    const why = await requirement.whyMissing();
    if (why !== undefined) lines.push(`needs ${requirement.name} (${why}); install it with: ${requirement.install} (or run .ci/run)`);
  }
  return lines.length === 0 ? undefined : lines.join('; ');
}

/**
 * `describe` when every requirement is met. Otherwise a `describe` that warns
 * loudly and skips the suite, or, under CI=true, runs one test that fails with
 * the same message.
 */
export async function describeWith(...requirements: Requirement[]): Promise<jest.Describe> {
  const missing = await missingMessage(requirements);
  if (missing === undefined) return describe;
  const inCi = process.env.CI === 'true';
  const guarded = (name: string, body: () => void) => {
    console.warn(`\n\n*** ${inCi ? 'FAILING' : 'SKIPPING'} "${name}": ${missing}${inCi ? '' : ' (this FAILS under CI=true)'} ***\n`);
    if (inCi) {
      describe(name, () => it('has what it needs on this machine', () => {
        throw new Error(`"${name}" ${missing}`);
      }));
    } else {
      describe.skip(name, body);
    }
  };
  return guarded as unknown as jest.Describe;
}
