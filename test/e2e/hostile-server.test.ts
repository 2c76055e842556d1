/**
 * A hostile SIP server: a scripted SIP-over-WebSocket server on loopback that
 * lets the extension register, then sends malformed SIP, oversized
 * messages (dropped before they are parsed), responses to requests never sent, INVITEs with a garbage offer, and
 * an INVITE flood (bounded). The extension keeps running, the popup answers,
 * what it cannot handle is declined, no notification storm is left behind;
 * and once a real server is back on that address it registers normally and a
 * call rings.
 *
 * The provider here is a small HTTP server that hands out a real lab
 * credential with the hostile server's address; later a plain TCP relay on
 * that address forwards to the real Kamailio.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Page } from 'playwright-core';
import type { Lab } from '../../scripts/lab/lab';
import { grantMicrophone, LabConsole, launchAgent, notifications, signIn, snapshot, startTestLab, until, type Agent } from './harness';

const ALICE = { user: 'alice', password: 'alice-password', number: '+15550001001' };
const FLOOD = 200;

let lab: Lab;
let agent: Agent;
let popup: Page;
let provider: Server;
let hostile: WebSocketServer | null = null;
let relay: TcpServer | null = null;
let port = 0;
/** Final responses the extension sent to the hostile server's INVITEs, by status. */
const answers = new Map<number, number>();

function header(msg: string, name: string): string {
  return new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(msg)?.[1]?.trim() ?? '';
}

/** A 200 OK to the extension's REGISTER, listing its own contact (as a registrar would). */
function registerOk(req: string): string {
  return [
    'SIP/2.0 200 OK',
    `Via: ${header(req, 'Via')};received=127.0.0.1`,
    `From: ${header(req, 'From')}`,
    `To: ${header(req, 'To')};tag=hostile`,
    `Call-ID: ${header(req, 'Call-ID')}`,
    `CSeq: ${header(req, 'CSeq')}`,
    `Contact: ${header(req, 'Contact')};expires=120`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const GOOD_SDP = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

function invite(to: string, opts: { name?: string; body?: string } = {}): string {
  const body = opts.body ?? GOOD_SDP;
  const callId = randomUUID();
  return [
    `INVITE ${to} SIP/2.0`,
    `Via: SIP/2.0/WS hostile.invalid;branch=z9hG4bK${callId.slice(0, 8)}`,
    'Max-Forwards: 70',
    `From: "${opts.name ?? 'Hostile'}" <sip:hostile@vphone.lab>;tag=${callId.slice(0, 6)}`,
    `To: <${to}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Contact: <sip:hostile@hostile.invalid;transport=ws>',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

function startHostile(): Promise<{ ws: Promise<WebSocket>; contact: Promise<string> }> {
  return new Promise((resolve) => {
    let gotWs: (ws: WebSocket) => void = () => undefined;
    let gotContact: (c: string) => void = () => undefined;
    const ws = new Promise<WebSocket>((r) => (gotWs = r));
    const contact = new Promise<string>((r) => (gotContact = r));
    hostile = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols: () => 'sip' });
    hostile.on('connection', (socket) => {
      gotWs(socket);
      socket.on('message', (data) => {
        const msg = data.toString();
        if (msg.startsWith('REGISTER ')) {
          socket.send(registerOk(msg));
          const uri = /<([^>]+)>/.exec(header(msg, 'Contact'))?.[1];
          if (uri) gotContact(uri);
        }
        const status = /^SIP\/2\.0 (\d{3}) /.exec(msg)?.[1];
        if (status && header(msg, 'CSeq').endsWith('INVITE') && Number(status) >= 200) answers.set(Number(status), (answers.get(Number(status)) ?? 0) + 1);
      });
    });
    hostile.on('listening', () => resolve({ ws, contact }));
  });
}

beforeAll(async () => {
  lab = await startTestLab('hostile');
  // A free port for the hostile server (and later the relay to the real server).
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));

  agent = await launchAgent();
  popup = agent.popup;
  await grantMicrophone(agent, agent.origin);
  // The provider: alice's real grant from the lab, with the hostile server's address.
  provider = createHttpServer((req, res) => {
    const cors = { 'access-control-allow-origin': agent.origin, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    void fetch(`${lab.loginUrl}/v1/softphone/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ALICE.user, password: ALICE.password }) })
      .then((r) => r.json())
      .then((grant: { sip: { wsUris: string[] } }) => {
        grant.sip.wsUris = [`ws://127.0.0.1:${port}`];
        res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(grant));
      });
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await agent?.close();
  hostile?.close();
  relay?.close();
  provider?.close();
  await lab?.stop();
});

describe('a hostile SIP server', () => {
  it('malformed SIP, oversized messages, stray responses, a garbage offer and a flood: the phone keeps its head', async () => {
    const { ws, contact } = await startHostile();
    await signIn(popup, `http://127.0.0.1:${(provider.address() as AddressInfo).port}`, ALICE.user, ALICE.password);
    await until('signed in', async () => (await popup.getByLabel('Signed in account').count()) === 1);
    await popup.getByRole('switch', { name: 'Softphone' }).click();
    await until('registered with the hostile server', async () => (await snapshot(agent)).registration === 'registered', 20_000);
    const socket = await ws;
    const to = await contact;

    socket.send('\u0000\u0001 this is not SIP at all \r\n\r\n');
    socket.send('INVITE sip:x SIP/2.0\r\nVia: broken\r\n\r\n');
    socket.send(`SIP/2.0 200 OK\r\nVia: SIP/2.0/WS x;branch=z9hG4bKnever\r\nCall-ID: never-sent\r\nCSeq: 7 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nContent-Length: 0\r\n\r\n`);
    socket.send(invite(to, { name: 'x'.repeat(100_000) })); // a 100 KB header: dropped unparsed
    socket.send(`${'z'.repeat(1_000_000)}\r\n\r\n`); // a megabyte of nothing
    socket.send(invite(to, { body: 'v=0\r\nthis is garbage\r\n' }));
    for (let i = 0; i < FLOOD; i++) socket.send(invite(to, { name: `Flood ${i}` }));

    // Every INVITE got a final answer (486 busy, 488 for the garbage offer), except the one that rings.
    await until('the flood answered', async () => [...answers.values()].reduce((a, b) => a + b, 0) >= FLOOD, 30_000, 200);
    console.log(`hostile server: final answers by status ${JSON.stringify(Object.fromEntries(answers))}`);
    expect(answers.get(488) ?? 0, 'the garbage offer is refused, never rung').toBeGreaterThanOrEqual(1);
    expect(answers.get(486) ?? 0).toBeGreaterThanOrEqual(FLOOD - 1);
    // The popup answers and tells the truth; at most one call rings; no storm of notifications.
    const s = await snapshot(agent);
    expect(s.calls.length).toBeLessThanOrEqual(1);
    expect(s.calls.filter((c) => c.remoteName.startsWith('xxx')), 'the oversized INVITE never rang').toEqual([]);
    expect(await popup.getByRole('status').first().textContent()).toMatch(/Ready to receive calls/);
    const shown = Object.keys(await notifications(agent));
    expect(shown.filter((id) => id.startsWith('call:')).length).toBeLessThanOrEqual(1);
    expect(shown.length).toBeLessThanOrEqual(2);
  });

  it('once a real server is back at that address, it registers normally and a call rings', async () => {
    const ws = await new Promise<WebSocket | undefined>((r) => r([...(hostile?.clients ?? [])][0]));
    ws?.terminate();
    await new Promise<void>((r) => (hostile ? hostile.close(() => r()) : r()));
    hostile = null;
    // A relay to the real Kamailio on the same address.
    const kamailio = new URL(lab.wsUri);
    relay = createTcpServer((client: Socket) => {
      const upstream = connect(Number(kamailio.port), kamailio.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => relay?.listen(port, '127.0.0.1', r));
    await until('registered with the real server', async () => (await lab.locations(ALICE.user)).length === 1, 60_000, 250);
    await until('Ready', async () => (await snapshot(agent)).registration === 'registered', 30_000);
    await lab.setRouting(ALICE.user, { forwardingEnabled: false });
    const lc = await LabConsole.open(agent, lab.consoleUrl);
    const callerId = await lc.call(ALICE.number, 'After the storm');
    await until('a real call rings', async () => (await snapshot(agent)).calls.some((c) => c.phase === 'ringing' && c.remoteName === 'After the storm'), 10_000);
    await lc.hangup(callerId);
  });
});
