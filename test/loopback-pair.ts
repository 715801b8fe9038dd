// A TCP connection on loopback for the live collector tests: a listener, a client connected to it, and the
// accepted socket, each kept for closing.
import { once } from 'node:events';
import net from 'node:net';

export interface Held {
  servers: net.Server[];
  sockets: net.Socket[];
}

/** Listens on `listenOn` (port chosen by the kernel), connects to it at `connectTo`; the server, the client and
 *  the accepted socket go into `held`. Resolves once connected, with the listener's port and the client. */
export async function loopbackPair(
  held: Held,
  listenOn: string,
  connectTo = listenOn,
): Promise<{ port: number; client: net.Socket }> {
  const server = net.createServer((s) => held.sockets.push(s)).listen(0, listenOn);
  held.servers.push(server);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect(port, connectTo);
  held.sockets.push(client);
  await once(client, 'connect');
  return { port, client };
}

/** Closes every socket and server held. */
export function closeHeld(held: Held): void {
  for (const s of held.sockets) s.destroy();
  for (const s of held.servers) s.close();
}
