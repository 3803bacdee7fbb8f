/** Whether a system tool some tests use to write real stores and certificates (openssl, keytool) is installed. */
import { execFileSync } from 'node:child_process';

export function hasCommand(cmd: string, args: readonly string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
