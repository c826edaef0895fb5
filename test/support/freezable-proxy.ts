// Owns a TCP proxy for tests whose client-to-server direction can be frozen: bytes from the
// client are held (not forwarded, connection kept open) until thawed, as a partitioned or stalled
// server would look to the client.
import net, { type AddressInfo } from 'node:net';

/** A TCP proxy whose client-to-server direction can be frozen (bytes held, not forwarded). */
export class FreezableProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly held: Array<{ upstream: net.Socket; chunk: Buffer }> = [];
  private frozen = false;
  /** Bytes held from clients since the last thaw. */
  heldBytes = 0;

  constructor(target: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      this.sockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => {
        if (this.frozen) {
          this.held.push({ upstream, chunk });
          this.heldBytes += chunk.length;
        } else upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Whether the held bytes contain `text` (e.g. a workflow id in a held gRPC request). */
  holds(text: string): boolean {
    return Buffer.concat(this.held.map((h) => h.chunk)).includes(text);
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    this.heldBytes = 0;
    for (const { upstream, chunk } of this.held.splice(0)) if (!upstream.destroyed) upstream.write(chunk);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
