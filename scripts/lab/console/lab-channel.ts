/**
 * The console's end of the login service's event stream
 * (GET /lab/console-channel, scripts/lab/console-channel.ts): opened once
 * the phones are registered, it is how the provider asks this page to place
 * a line test. EventSource reconnects by itself after a service restart.
 */

export interface ChannelHandlers {
  lineTest(id: string, number: string): void;
}

export function openLabChannel(handlers: ChannelHandlers): EventSource {
  const source = new EventSource('/lab/console-channel');
  source.addEventListener('line-test', (event: MessageEvent<string>) => {
    try {
      const { id, number } = JSON.parse(event.data) as { id?: unknown; number?: unknown };
      if (typeof id === 'string' && typeof number === 'string') handlers.lineTest(id, number);
    } catch (error) {
      console.warn('lab console: malformed line test request:', error);
    }
  });
  return source;
}
