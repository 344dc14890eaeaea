import { readFileSync, writeFileSync } from 'node:fs';
import { parseFixture } from './src/testing/fixture.ts';
import { runFixture } from './src/testing/run-fixture.ts';

for (const file of process.argv.slice(2)) {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  const fill = raw.exchanges.length > 0 && raw.exchanges[0].request.body === '__FILL__';
  if (fill) delete raw.exchanges[0].request.body;
  const fixture = parseFixture(raw, file);
  const runs = [];
  for (const engine of ['legacy', 'v2'] as const) runs.push(await runFixture(fixture, engine, { timeoutMs: 10_000 }));
  const [l, v] = runs;
  console.log(`== ${file}: legacy ${l.ok ? 'ok' : l.error?.type + ': ' + l.error?.message} attempts ${l.attempts}; v2 ${v.ok ? 'ok' : v.error?.type + ': ' + v.error?.message} attempts ${v.attempts}`);
  if (fill) {
    const lb = JSON.stringify(l.requests[0]?.body), vb = JSON.stringify(v.requests[0]?.body);
    if (lb !== vb) { console.log('  BODIES DIFFER\n  legacy ' + lb + '\n  v2     ' + vb); continue; }
    console.log('  body ' + lb);
    raw.exchanges[0].request.body = l.requests[0].body;
    writeFileSync(file, JSON.stringify(raw, null, 2) + '\n');
  }
}
process.exit(0);
