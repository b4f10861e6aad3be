// Sums the JSON reports that `npm test` writes (Vitest, then Playwright) into the one closing line CI reads.
// They go to reports/, not test-results/: Playwright empties test-results/ when it starts.
// A suite whose report is missing did not run: it counts as one failure so a broken run can never look green.
import { existsSync, readFileSync } from 'node:fs';

const suites = [
  {
    file: 'reports/vitest.json',
    count: (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests }),
  },
  {
    file: 'reports/playwright.json',
    count: (r) => ({ passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected }),
  },
];

let passed = 0;
let failed = 0;
for (const suite of suites) {
  if (!existsSync(suite.file)) {
    console.log(`${suite.file}: missing (the suite did not run)`);
    failed += 1;
    continue;
  }
  const counts = suite.count(JSON.parse(readFileSync(suite.file, 'utf8')));
  console.log(`${suite.file}: ${counts.passed} passed, ${counts.failed} failed`);
  passed += counts.passed;
  failed += counts.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
