// A node:test reporter that only counts leaf tests, so scripts/test.mjs can print one closing line.
// It writes after every result: with --test-force-exit the runner may end before the stream does.
import { writeFileSync } from 'node:fs';

export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const out = process.env.AMTSBOTE_COUNT_FILE;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else counts.failed++;
    if (out) writeFileSync(out, JSON.stringify(counts));
  }
  yield '';
}
