// issue 29 item 6: stopping `npm run fake-provider` by npm's PID must not leave the server on its
// port. npm passes SIGTERM to the `sh -c` it runs the script in, never to the server, so the
// server watches its parent (src/testing/fake-provider/parent-watch.ts) and stops once re-parented.
// Run exactly as a reader does: `npm run fake-provider -- --port 0 &`, then `kill <npm pid>`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './support/run-script.ts';

it('kill <npm pid> stops the server too: its output closes, it says why, and its port refuses connections', async () => {
  const npm = spawn('npm', ['run', '--silent', 'fake-provider', '--', '--port', '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // The server's first line is its URL; its pipes stay open while it (or anything holding them) lives.
  const url = await new Promise<string>((resolve, reject) => {
    npm.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const first = /^(http:\/\/127\.0\.0\.1:\d+)\n/m.exec(stdout);
      if (first) resolve(first[1]);
    });
    npm.on('exit', (code) => reject(new Error(`npm exited (${code}) before the server listened: ${stderr}`)));
  });
  const closed = Promise.all([once(npm.stdout, 'close'), once(npm.stderr, 'close')]);
  expect((await fetch(`${url}/_fake/stats`)).status).toBe(200);

  npm.kill('SIGTERM');
  await closed;
  expect(stderr).toContain('fake provider: the process that started it is gone (npm stopped?); stopping');
  expect(stderr).toContain('fake provider stopped: ');
  const port = Number(new URL(url).port);
  const refused = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
  expect(refused).toBe('ECONNREFUSED');
});
