import type { Reporter, SerializedError, TestCase, TestModule, TestSuite } from 'vitest/node';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Counts the tests of finished modules. A test that was meant to run (not
 * `skip`/`todo`, not filtered out) but did not, because a hook of an enclosing
 * suite or of the module failed (`beforeAll` timing out, a setup throwing), is
 * a failure, not a skip; so is a failed hook that failed no test of its own
 * (an `afterAll`), and a module that failed to load.
 */
export function countTests(testModules: ReadonlyArray<TestModule>): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const m of testModules) {
    // Suites (and the module itself) whose hooks or collection failed.
    const broken = new Set<TestSuite | TestModule>();
    if (m.errors().length > 0) broken.add(m);
    for (const s of m.children.allSuites()) if (s.errors().length > 0) broken.add(s);
    const blamed = new Set<TestSuite | TestModule>();
    const brokenAncestor = (t: TestCase): TestSuite | TestModule | undefined => {
      for (let p: TestSuite | TestModule = t.parent; ; p = p.parent) {
        if (broken.has(p)) return p;
        if (p.type === 'module') return undefined;
      }
    };
    for (const t of m.children.allTests()) {
      const state = t.result().state;
      if (state === 'passed') counts.passed++;
      else if (state === 'failed') {
        counts.failed++;
        const b = brokenAncestor(t);
        if (b) blamed.add(b);
      } else {
        const b = brokenAncestor(t);
        if (b && (t.options.mode === 'run' || t.options.mode === 'only')) {
          counts.failed++;
          blamed.add(b);
        } else counts.skipped++;
      }
    }
    // A failed hook (or a module that could not load) that no test above was counted for.
    for (const b of broken) if (!blamed.has(b)) counts.failed += b.errors().length;
    // A module that failed without an error of its own or of a test (vitest reports it failed): count it once.
    if (m.state() === 'failed' && broken.size === 0 && ![...m.children.allTests()].some((t) => t.result().state === 'failed')) counts.failed++;
  }
  return counts;
}

/**
 * Prints one closing line, `tests: N passed, N failed, N skipped`, after
 * vitest's own report, in the plain form CI tools read to count tests.
 * Unhandled errors (a failed global setup, an error thrown outside any test)
 * count as failures.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = [], reason?: string): void {
    const { passed, skipped } = countTests(testModules);
    // Errors outside any test (an unhandled rejection) fail the run too; so does a run vitest ends as
    // failed with nothing counted (a global setup that threw before any test ran).
    let failed = countTests(testModules).failed + unhandledErrors.length;
    if (failed === 0 && reason === 'failed') failed = 1;
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
