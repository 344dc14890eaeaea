// Runs one rehearsal step (typecheck, test suite) in the copy as a child process, its output kept
// in a log file beside the copy and returned for the report.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

export interface StepResult {
  code: number | null;
  output: string;
  ms: number;
}

export function runStep(
  command: string,
  args: string[],
  options: { cwd: string; log: string; env?: Record<string, string>; timeoutMs: number },
): Promise<StepResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      output += `\n[rehearse: killed after ${options.timeoutMs / 1000} s]\n`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      void writeFile(options.log, output).then(() => resolve({ code, output, ms: Date.now() - started }), reject);
    });
  });
}
