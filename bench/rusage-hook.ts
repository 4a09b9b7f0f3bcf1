/**
 * Loaded with `node --import` into each command the bench runs (bench/commands.ts): when the process
 * exits, writes its own CPU time and peak RSS (process.resourceUsage) to $BULKHEAD_BENCH_RUSAGE, so the
 * figures are the command's alone, on any machine (no /usr/bin/time needed).
 */
import { writeFileSync } from 'node:fs';

const out = process.env['BULKHEAD_BENCH_RUSAGE'];
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userUs: u.userCPUTime, systemUs: u.systemCPUTime, maxRSSKiB: u.maxRSS }));
  });
}
