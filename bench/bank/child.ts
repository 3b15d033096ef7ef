/**
 * One measured step of bench/bank in a fresh process, so its peak memory is the step's own and
 * its code starts cold, as in a server that receives its first statement of the day. Prints one
 * JSON line. BENCH_STEP:
 *   validator  the floor: XMLValidator over the file (what any safe XML reading costs)
 *   parse      parseStatementFile alone (no database)
 *   import     importStatementFile: parse, de-duplicate, match, book through the ledger
 *   reimport   the same file again: every line a duplicate, nothing booked
 */
import fs from 'node:fs';
import { XMLValidator } from 'fast-xml-parser';
import { importStatementFile } from '~/modules/bank/index.server';
import { loadLedgerSubscribers } from '~/modules/ledger/ledger-events.server';
import { parseStatementFile } from '~/modules/bank/parse';
import { fixedClock } from '~/utils/clock';
import { closeDb } from '~/utils/db.server';

async function main() {
  const step = process.env.BENCH_STEP!;
  const bytes = new Uint8Array(fs.readFileSync(process.env.BENCH_FILE!));
  // The ledger loads its subscribers (dunning, disputes, plans, transfer notices) at its first
  // event; a server has done that long before a statement arrives. Loaded here, outside the
  // measurement, so tsx compiling their TypeScript is not counted as import time.
  if (step === 'import' || step === 'reimport') await loadLedgerSubscribers();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  // RSS every 5 ms (cheap); the heap, whose reading walks V8's spaces, every 50 ms.
  let ticks = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (++ticks % 10 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 5);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let outcome: unknown = null;
  if (step === 'validator') {
    const valid = XMLValidator.validate(new TextDecoder().decode(bytes));
    if (valid !== true) throw new Error('the generated file is not well-formed');
  } else if (step === 'parse') {
    const parsed = parseStatementFile(bytes);
    outcome = { lines: parsed.statements.reduce((n, s) => n + s.lines.length, 0) };
  } else {
    outcome = await importStatementFile(
      {
        organizationId: process.env.BENCH_ORG!,
        bytes,
        filename: 'bench-camt053.xml',
        uploadedBy: { type: 'api', id: 'bench' },
      },
      { clock: fixedClock(process.env.BENCH_NOW!) },
    );
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  const end = process.memoryUsage();
  peakRss = Math.max(peakRss, end.rss);
  peakHeap = Math.max(peakHeap, end.heapUsed);
  if (step === 'import' || step === 'reimport') await closeDb();
  console.log(
    JSON.stringify({
      step,
      ms,
      cpuS: (cpu.user + cpu.system) / 1e6,
      baselineRss: baseline.rss,
      endRss: end.rss,
      peakRss,
      peakHeap,
      maxRssKb: process.resourceUsage().maxRSS,
      outcome,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
