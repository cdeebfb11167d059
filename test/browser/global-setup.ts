/** Debian's chromium for the browser test: installed with apt-get when missing (apt-get update first if that fails). */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export default function globalSetup(): void {
  if (existsSync(CHROMIUM)) return;
  const install = (): void => void execSync('apt-get install -y chromium', { stdio: 'inherit' });
  try {
    install();
  } catch {
    execSync('apt-get update', { stdio: 'inherit' });
    install();
  }
}
