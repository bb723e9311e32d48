/**
 * A loopback TCP relay in front of a server (TLS passes through untouched) whose client-to-server
 * bytes can be held back and released, so a test decides when a request in flight may be answered.
 */
import * as net from 'node:net';

export interface Gate {
  /** e.g. `127.0.0.1:41234`: give clients `https://<host>` and trust the server's CA for this host too. */
  readonly host: string;
  /** From now on, keep every byte clients send (on new and kept-alive connections). */
  hold(): void;
  /** Resolves once a byte was held since the last `hold()`: a request is waiting at the gate. */
  held(): Promise<void>;
  /** Sends everything held, in order, and lets bytes through again. */
  release(): void;
  close(): Promise<void>;
}

/** Starts a relay on 127.0.0.1 to `target` (`127.0.0.1:<port>`). */
export async function startGate(target: string): Promise<Gate> {
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const sockets = new Set<net.Socket>();
  let holding = false;
  let queue: Array<() => void> = [];
  let waiters: Array<() => void> = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(targetPort), targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('data', (chunk) => {
      if (!holding) {
        upstream.write(chunk);
        return;
      }
      queue.push(() => upstream.write(chunk));
      const notify = waiters;
      waiters = [];
      for (const w of notify) w();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${address.port}`,
    hold() {
      holding = true;
    },
    held() {
      if (holding && queue.length > 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    release() {
      holding = false;
      const flush = queue;
      queue = [];
      for (const send of flush) send();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
