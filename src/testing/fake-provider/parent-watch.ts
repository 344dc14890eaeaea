// `npm run fake-provider` is three processes: npm, the `sh -c` it runs the script in, and this
// server. Stopping it by npm's PID (`kill <pid>` of a background `npm run … &`) signals npm and
// the shell, never the server, which is left running on its port with init as its parent (issue 29
// item 6). So the server watches its parent: once it has been re-parented, whoever started it is
// gone and it stops as if it had been sent SIGTERM. (Started directly by init, as PID 1's child,
// there is no parent to outlive, and nothing is watched.)

/** Calls `onOrphaned` once when this process's parent changes; returns a function that stops watching. */
export function watchParent(onOrphaned: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  // The server keeps the process alive; this check alone never should.
  timer.unref();
  return () => clearInterval(timer);
}
