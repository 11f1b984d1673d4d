// A node:test reporter that only counts leaf tests, so scripts/test.mjs can print one closing line.
import { writeFileSync } from 'node:fs';

export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) skipped++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  const out = process.env.AMTSBOTE_COUNT_FILE;
  if (out) writeFileSync(out, JSON.stringify({ passed, failed, skipped }));
  yield '';
}
