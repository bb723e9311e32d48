/** Loopback ports and connect probes. Every server of the stack listens on 127.0.0.1 only. */
import { createServer, connect } from 'node:net';

/** The only address the stack binds to or connects to. */
export const LOOPBACK = '127.0.0.1';

/**
 * Asks the kernel for a currently free TCP port on 127.0.0.1. The port is released before this
 * resolves, so a concurrent caller could take it in between; that window is tiny and the caller's
 * start-up then fails loudly (address in use) rather than silently.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a loopback listener'));
        return;
      }
      const port = address.port;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true if a TCP connection to 127.0.0.1:`port` is accepted, false if it is refused. */
export async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
