/**
 * The login service's line to the lab console page, which holds the lab's
 * phones: a server-sent event stream (GET /lab/console-channel) the console
 * opens once its peers are registered. The service asks it to place line
 * tests through it; "no stream open" means "no phones", so a line test is
 * refused (503) instead of waiting for nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A comment line every so often keeps the stream visibly alive in DevTools; loopback needs no more. */
const HEARTBEAT_MS = 15_000;
/** More consoles than this at once is a leak, not a lab. */
const MAX_CLIENTS = 8;

export class ConsoleChannel {
  /** Oldest first: the newest page is the one that gets the work. */
  private readonly clients: ServerResponse[] = [];

  get isOpen(): boolean {
    return this.clients.length > 0;
  }

  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.clients.length >= MAX_CLIENTS) this.clients.shift()?.end();
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': vphone lab console channel\n\n');
    this.clients.push(res);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const drop = (): void => {
      clearInterval(heartbeat);
      const index = this.clients.indexOf(res);
      if (index >= 0) this.clients.splice(index, 1);
    };
    req.on('close', drop);
    res.on('close', drop);
  }

  /** Sends one event to the newest console; false when none is open. */
  send(event: string, data: unknown): boolean {
    const client = this.clients[this.clients.length - 1];
    if (!client) return false;
    client.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    return true;
  }
}
