import { createServer, type AddressInfo, type Server } from 'node:net';

function listenOnAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Distinct loopback ports free right now. Another process may still take one before the engine
 * binds it: the caller retries on "Address already in use".
 */
export async function freePorts(count: number): Promise<number[]> {
  // Hold every socket until all are chosen so the kernel never hands out the same port twice.
  const servers = await Promise.all(Array.from({ length: count }, listenOnAnyPort));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
