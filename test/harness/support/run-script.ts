// Runs a harness CLI the way a user does (`node scripts/<name>.ts ...`) in a child process, so
// tests see the real exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

export function runScript(script: string, args: string[], options: RunOptions = {}): Promise<ScriptResult> {
  return runSource(`scripts/${script}.ts`, args, options);
}

/** `npm run dd-models -- <args>`: src/cli/dd-models.ts, the same way. */
export function runDdModels(args: string[], options: RunOptions = {}): Promise<ScriptResult> {
  return runSource('src/cli/dd-models.ts', args, options);
}

function runSource(file: string, args: string[], options: RunOptions): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    // process.execPath is the Node 24 that runs vitest, the same one `npm run` uses.
    const child = spawn(process.execPath, [file, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
