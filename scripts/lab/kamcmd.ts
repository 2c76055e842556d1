/** Kamailio's RPC over its ctl socket, through the `kamcmd` binary. */
import { execFile } from 'node:child_process';

/** A frozen Kamailio (kill -STOP) never answers; don't hang with it. */
const KAMCMD_TIMEOUT_MS = 3000;

class KamcmdError extends Error {
  override name = 'KamcmdError';

  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }

  get notFound(): boolean {
    return /\b404\b/.test(this.output);
  }
}

export class Kamcmd {
  constructor(
    private readonly binary: string,
    private readonly ctlSocket: string,
  ) {}

  run(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this.binary,
        ['-s', `unix:${this.ctlSocket}`, ...args],
        { timeout: KAMCMD_TIMEOUT_MS },
        (error, stdout, stderr) => {
          if (error) {
            const output = `${stdout}${stderr}`.trim();
            reject(new KamcmdError(`kamcmd ${args.join(' ')} failed: ${output || error.message}`, output));
          } else resolve(stdout);
        },
      );
    });
  }

  /** Contact URIs usrloc holds for `aor` (the bare user: usrloc runs without domains). */
  async contacts(aor: string): Promise<string[]> {
    try {
      return parseContactAddresses(await this.run('ul.lookup', 'location', aor));
    } catch (error) {
      if (error instanceof KamcmdError && error.notFound) return [];
      throw error;
    }
  }

  /** Bindings usrloc holds for `aor`: each contact URI with its received URI (null when not set). */
  async bindings(aor: string): Promise<{ address: string; received: string | null }[]> {
    try {
      return parseBindings(await this.run('ul.lookup', 'location', aor));
    } catch (error) {
      if (error instanceof KamcmdError && error.notFound) return [];
      throw error;
    }
  }

  /** The DMQ nodes this Kamailio knows (module dmq), itself included. */
  async dmqNodes(): Promise<{ host: string; port: number; status: string; local: boolean }[]> {
    const output = await this.run('dmq.list_nodes');
    return output
      .split('}')
      .map((block) => ({
        host: field(block, 'host') ?? '',
        port: Number(field(block, 'port')),
        status: field(block, 'status') ?? '',
        local: field(block, 'local') === '1',
      }))
      .filter((node) => node.host !== '');
  }

  /** Removes every binding of `aor`; the WebSocket stays open (a silent expiry). */
  async removeBindings(aor: string): Promise<void> {
    try {
      await this.run('ul.rm', 'location', aor);
    } catch (error) {
      if (!(error instanceof KamcmdError && error.notFound)) throw error;
    }
  }
}

/** A contact's fields follow its "Address:" line; "[not set]" means none. */
function parseBindings(output: string): { address: string; received: string | null }[] {
  return output
    .split(/^\s*Address:/m)
    .slice(1)
    .map((block) => {
      const address = block.split('\n')[0]?.trim() ?? '';
      const received = field(block, 'Received');
      return { address, received: received === undefined || received === '[not set]' ? null : received };
    })
    .filter((binding) => binding.address !== '');
}

function field(block: string, name: string): string | undefined {
  return new RegExp(`^\\s*${name}:[ \\t]*(\\S.*?)\\s*$`, 'm').exec(block)?.[1];
}

/** kamcmd prints RPC structs as indented "Key: value" lines; contacts are "Address:". */
function parseContactAddresses(output: string): string[] {
  return [...output.matchAll(/^\s*Address:\s*(\S+)\s*$/gm)].map((match) => match[1] ?? '').filter(Boolean);
}
