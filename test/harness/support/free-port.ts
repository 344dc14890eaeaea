// A loopback port that was free a moment ago: nothing listens there, so connecting is refused,
// and a server started on it right away (the docs' fake provider) gets it.
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}
