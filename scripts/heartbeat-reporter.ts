/**
 * A vitest reporter that prints one short line per finished test. vitest's default reporter
 * prints a file's tests when the whole file is done, so a slow file on a busy machine stayed
 * silent for minutes and scripts/test.ts took it for the PGlite hang it watches for; with a
 * line per test, only a test that never ends (the hang) leaves the output silent.
 */
import type { Reporter, TestCase } from 'vitest/node';

export default class HeartbeatReporter implements Reporter {
  onTestCaseResult(testCase: TestCase): void {
    const state = testCase.result().state;
    const seconds = ((testCase.diagnostic()?.duration ?? 0) / 1000).toFixed(1);
    process.stdout.write(`  · ${state === 'passed' ? 'ok' : state} ${seconds} s — ${testCase.fullName}\n`);
  }
}
