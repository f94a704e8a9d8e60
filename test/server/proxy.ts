/** A TCP forwarder on loopback whose connections a test can cut, like a network drop would. */
import { connect, createServer, type Server, type Socket } from "node:net";

export class DropProxy implements AsyncDisposable {
  readonly url: string;
  readonly #server: Server;
  readonly #live: Set<Socket>;

  private constructor(server: Server, live: Set<Socket>, url: string) {
    this.#server = server;
    this.#live = live;
    this.url = url;
  }

  /** Forwards 127.0.0.1:<new port> to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<DropProxy> {
    const live = new Set<Socket>();
    const server = createServer((inbound) => {
      const outbound = connect(targetPort, "127.0.0.1");
      for (const socket of [inbound, outbound]) {
        live.add(socket);
        socket.on("close", () => live.delete(socket));
        socket.on("error", () => undefined);
      }
      inbound.pipe(outbound);
      outbound.pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return new DropProxy(server, live, `http://127.0.0.1:${port}`);
  }

  /** Cuts every connection through the proxy at once: both ends see code 1006, no close frame. */
  drop(): void {
    for (const socket of this.#live) socket.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
