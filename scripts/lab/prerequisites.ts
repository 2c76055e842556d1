/**
 * Finds the Kamailio installation the lab needs and names the Debian package
 * behind anything missing, so a fresh machine fails with an install hint
 * instead of a cryptic "could not load module" from deep in Kamailio's log.
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface KamailioInstall {
  kamailio: string;
  kamcmd: string;
  moduleDir: string;
}

/** Modules loaded by kamailio.cfg, each with the Debian package that ships it. */
const REQUIRED_MODULES: Readonly<Record<string, string>> = {
  'tm.so': 'kamailio',
  'registrar.so': 'kamailio',
  'usrloc.so': 'kamailio',
  'auth.so': 'kamailio',
  'nathelper.so': 'kamailio',
  'xhttp.so': 'kamailio',
  'ctl.so': 'kamailio',
  'websocket.so': 'kamailio-websocket-modules',
  'auth_ephemeral.so': 'kamailio-autheph-modules',
  'http_client.so': 'kamailio-utils-modules',
  'jansson.so': 'kamailio-extra-modules',
  'htable.so': 'kamailio',
  'rtpengine.so': 'kamailio',
};

/** baresip modules the lab's desk phone loads (scripts/lab/baresip.ts). */
const BARESIP_MODULES = ['g711.so', 'ausine.so', 'aubridge.so', 'ctrl_tcp.so', 'account.so', 'menu.so'];
const BARESIP_MODULE_DIRS = ['/usr/lib/baresip/modules', '/usr/local/lib/baresip/modules'];

export interface BaresipInstall {
  baresip: string;
  moduleDir: string;
}

const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/sbin'];

export class LabPrerequisiteError extends Error {
  override name = 'LabPrerequisiteError';
}

export function findKamailioInstall(): KamailioInstall {
  const kamailio = findExecutable('kamailio');
  const kamcmd = findExecutable('kamcmd');
  const moduleDir = findModuleDir();
  const missingPackages = new Set<string>();
  if (!kamailio || !kamcmd || !moduleDir) missingPackages.add('kamailio');
  for (const [module, pkg] of Object.entries(REQUIRED_MODULES)) {
    if (!moduleDir || !existsSync(join(moduleDir, module))) missingPackages.add(pkg);
  }
  if (!kamailio || !kamcmd || !moduleDir || missingPackages.size > 0) {
    throw new LabPrerequisiteError(
      `The lab needs Kamailio with its WebSocket, auth_ephemeral, http_client and jansson modules. ` +
        `Install: apt-get install -y ${[...missingPackages].join(' ')}`,
    );
  }
  return { kamailio, kamcmd, moduleDir };
}

/** rtpengine's daemon (Debian package rtpengine-daemon; userspace only, the kernel module is not needed). */
export function findRtpengine(): string {
  const rtpengine = findExecutable('rtpengine');
  if (!rtpengine) {
    throw new LabPrerequisiteError('The lab needs rtpengine to bridge WebRTC and plain SIP media. Install: apt-get install -y rtpengine-daemon');
  }
  return rtpengine;
}

/** baresip, the lab's SIP desk phone (Debian package baresip-core). */
export function findBaresipInstall(): BaresipInstall {
  const baresip = findExecutable('baresip');
  const moduleDir = BARESIP_MODULE_DIRS.find((dir) => BARESIP_MODULES.every((module) => existsSync(join(dir, module))));
  if (!baresip || !moduleDir) {
    throw new LabPrerequisiteError(
      `The lab's desk phone needs baresip with the modules ${BARESIP_MODULES.join(', ')}. Install: apt-get install -y baresip-core`,
    );
  }
  return { baresip, moduleDir };
}

/** Debian installs kamailio and kamcmd in /usr/sbin, which a non-root PATH often lacks. */
function findExecutable(name: string): string | null {
  const pathDirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const dir of [...pathDirs, ...SYSTEM_DIRS]) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debian's multiarch layout puts modules in /usr/lib/<triplet>/kamailio/modules. */
function findModuleDir(): string | null {
  const candidates = [
    ...multiarchDirs().map((dir) => join(dir, 'kamailio', 'modules')),
    '/usr/lib64/kamailio/modules',
    '/usr/lib/kamailio/modules',
    '/usr/local/lib64/kamailio/modules',
    '/usr/local/lib/kamailio/modules',
  ];
  return candidates.find((dir) => existsSync(join(dir, 'tm.so'))) ?? null;
}

function multiarchDirs(): string[] {
  try {
    return readdirSync('/usr/lib', { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name.endsWith('-linux-gnu'))
      .map((entry) => join('/usr/lib', entry.name));
  } catch {
    return [];
  }
}
