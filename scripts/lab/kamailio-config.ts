/** Renders scripts/lab/kamailio.cfg for one lab start. */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface KamailioConfigValues {
  sipWsPort: number;
  /** Plain SIP over UDP, for the lab's SIP phones (baresip). */
  sipUdpPort: number;
  /** rtpengine's ng control port (UDP, 127.0.0.1). */
  rtpengineNgPort: number;
  loginPort: number;
  sipDomain: string;
  /** auth_ephemeral's shared secret; new for every lab start. */
  secret: string;
  moduleDir: string;
  ctlSocket: string;
  usrlocTimerSeconds: number;
  registrationExpires: number;
  /** One of several edges sharing registrations (DMQ); absent: the lab's single server. */
  edge?: EdgeValues;
}

/** Where this node stands among the provider's edges (README: "The 2-edge lab"). */
export interface EdgeValues {
  /** This node's index; 0 is the primary, the first of the login's wsUris. */
  index: number;
  /** UDP port for DMQ and the calls relayed between edges (127.0.0.1). */
  interEdgePort: number;
  /** The other edges. */
  peers: readonly { index: number; interEdgePort: number }[];
}

const TEMPLATE_PATH = fileURLToPath(new URL('./kamailio.cfg', import.meta.url));

export function renderKamailioConfig(template: string, values: KamailioConfigValues): string {
  const tokens: Readonly<Record<string, string>> = {
    SIP_WS_PORT: String(values.sipWsPort),
    SIP_UDP_PORT: String(values.sipUdpPort),
    RTPENGINE_NG_PORT: String(values.rtpengineNgPort),
    LOGIN_PORT: String(values.loginPort),
    SIP_DOMAIN: values.sipDomain,
    AUTHEPH_SECRET: values.secret,
    MODULE_DIR: values.moduleDir,
    CTL_SOCKET: values.ctlSocket,
    USRLOC_TIMER_SECONDS: String(values.usrlocTimerSeconds),
    REGISTRATION_EXPIRES: String(values.registrationExpires),
    EDGE_INDEX: String(values.edge?.index ?? 0),
    EDGE_PORT: String(values.edge?.interEdgePort ?? 0),
  };
  for (const [name, value] of Object.entries(tokens)) {
    // Values land inside double-quoted cfg strings; a quote would end them.
    if (/["\\\n]/.test(value)) throw new Error(`kamailio.cfg value ${name} has a quote, backslash or newline`);
  }
  const all: Readonly<Record<string, string>> = { ...tokens, ...edgeLines(values.edge) };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (match, name: string) => {
    const value = all[name];
    if (value === undefined) throw new Error(`kamailio.cfg has an unknown token ${match}`);
    return value;
  });
}

/**
 * Script lines for several edges, built from integers only (so no quoting
 * issue): the MULTI_EDGE define that turns the script's edge parts on, DMQ's
 * notification addresses, and the other edges' addresses. A single server
 * gets none of them (its #!ifdef MULTI_EDGE parts are skipped).
 */
function edgeLines(edge: EdgeValues | undefined): Record<string, string> {
  if (!edge) {
    return { EDGE_DEFINES: '', DMQ_NOTIFICATION_ADDRESSES: '', PEER_EDGE_TEST: '0', EDGE_ADDRESS_CASES: '', EDGE_PORT_CASES: '' };
  }
  const whole = (n: number, what: string): number => {
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`kamailio.cfg: bad ${what} ${n}`);
    return n;
  };
  whole(edge.index, 'edge index');
  whole(edge.interEdgePort, 'inter-edge port');
  if (edge.peers.length === 0) throw new Error('kamailio.cfg: an edge needs at least one other edge');
  const peers = edge.peers.map((peer) => ({ index: whole(peer.index, 'edge index'), port: whole(peer.interEdgePort, 'inter-edge port') }));
  return {
    EDGE_DEFINES: '#!define MULTI_EDGE',
    DMQ_NOTIFICATION_ADDRESSES: peers.map((peer) => `modparam("dmq", "notification_address", "sip:127.0.0.1:${peer.port}")`).join('\n'),
    PEER_EDGE_TEST: peers.map((peer) => `$sp == ${peer.port}`).join(' || '),
    EDGE_ADDRESS_CASES: peers
      .map((peer) => `\tif ($var(edge) == "${peer.index}") {\n\t\t$var(edgeAddr) = "sip:127.0.0.1:${peer.port}";\n\t}`)
      .join('\n'),
    EDGE_PORT_CASES: peers.map((peer) => `\tif ($var(nextPort) == "${peer.port}") {\n\t\t$var(edge) = "${peer.index}";\n\t}`).join('\n'),
  };
}

export async function writeKamailioConfig(path: string, values: KamailioConfigValues): Promise<void> {
  const template = await readFile(TEMPLATE_PATH, 'utf8');
  await writeFile(path, renderKamailioConfig(template, values), { mode: 0o600 });
}
