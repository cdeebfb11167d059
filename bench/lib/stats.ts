/** Percentiles and result files of the benchmarks. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Nearest-rank percentile of unsorted values (undefined when empty). */
export function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summary(values: number[]): { n: number; p50?: number; p95?: number; max?: number } {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: percentile(values, 100) };
}

export const RESULTS_DIR = join(__dirname, '..', 'results');

/** Writes bench/results/<name>-<mode>-<time>.json; returns its path relative to the repository. */
export function writeResult(name: string, mode: 'quick' | 'full', data: object): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${name}-${mode}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(join(RESULTS_DIR, file), JSON.stringify({ bench: name, mode, at: new Date().toISOString(), ...data }, null, 2) + '\n');
  return `bench/results/${file}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

export const flag = (name: string): boolean => process.argv.includes(`--${name}`);
