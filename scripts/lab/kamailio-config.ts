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
  };
  for (const [name, value] of Object.entries(tokens)) {
    // Values land inside double-quoted cfg strings; a quote would end them.
    if (/["\\\n]/.test(value)) throw new Error(`kamailio.cfg value ${name} has a quote, backslash or newline`);
  }
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (match, name: string) => {
    const value = tokens[name];
    if (value === undefined) throw new Error(`kamailio.cfg has an unknown token ${match}`);
    return value;
  });
}

export async function writeKamailioConfig(path: string, values: KamailioConfigValues): Promise<void> {
  const template = await readFile(TEMPLATE_PATH, 'utf8');
  await writeFile(path, renderKamailioConfig(template, values), { mode: 0o600 });
}
