/**
 * Servers started by a test on 127.0.0.1 and a free port, closed afterwards with their open
 * connections destroyed first (a raw `net` socket that never reads would otherwise keep
 * `server.close()` waiting forever). Call `closeAll` from afterEach.
 */
import type { AddressInfo, Server, Socket } from 'node:net';

export interface LocalServers {
  /** Listens on 127.0.0.1:0 and returns `127.0.0.1:<port>`. */
  listen(server: Server): Promise<string>;
  closeAll(): Promise<void>;
}

export function createLocalServers(): LocalServers {
  const closers: Array<() => Promise<void>> = [];
  return {
    async listen(server) {
      const sockets = new Set<Socket>();
      server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
          }),
      );
      return `127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async closeAll() {
      await Promise.all(closers.splice(0).map((close) => close()));
    },
  };
}

/** A port that was listening a moment ago and is now closed: connecting is refused. */
export async function closedPort(createServer: () => Server): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
