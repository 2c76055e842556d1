/** A login answer that follows the contract (DESIGN section 5). */
export const goodGrant = {
  account: { id: 'acc-1', name: 'Alice Agent', email: 'alice@example.test', vPhoneNumber: '+15550001001' },
  sip: {
    wsUris: ['wss://sip.example.test/ws'],
    uri: 'sip:alice@vphone.lab',
    authorizationUser: '1800000000:alice',
    password: 'c2VjcmV0',
    displayName: 'Alice Agent',
    expiresAt: '2030-01-01T00:00:00Z',
    iceServers: [{ urls: 'stun:stun.example.test' }, { urls: ['turn:turn.example.test'], username: 'u', credential: 'c' }],
  },
  routing: { forwardingNumber: '+15550109001', forwardingEnabled: true, voicemailEnabled: true, ringTimeoutSeconds: 28 },
  api: { token: 'tok-abc123', expiresAt: '2030-01-01T00:00:00Z' },
};
