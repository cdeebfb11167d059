/** CPU time and resident memory of a process, from /proc (Linux). */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of the process, in seconds of CPU. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size, MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Samples a process's CPU share (of one core) and peak RSS over a window. */
export function sampler(pid: number) {
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // exited
    }
  }, 1_000);
  return {
    stop(): { cpuPercentOfCore: number; rssPeakMb: number } {
      clearInterval(timer);
      const seconds = (Date.now() - t0) / 1000;
      return { cpuPercentOfCore: Math.round(((cpuSeconds(pid) - cpu0) / seconds) * 1000) / 10, rssPeakMb: peak };
    },
  };
}
