// The real CLI (dist/src/cli/main.js) as a subprocess: its exit code, stdout and stderr, whatever the code.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const CLI_MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

export async function runCli(args: string[], env: Record<string, string>, nodeArgs: string[] = [], timeoutMs = 180_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [...nodeArgs, CLI_MAIN, ...args], { env, timeout: timeoutMs });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
