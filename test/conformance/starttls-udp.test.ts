/**
 * STARTTLS upgrades are found and named, and DTLS/QUIC over UDP are counted, on the real
 * captures of ../shared/captures (skipped with a reason when absent); the recognisers are also
 * checked on plaintext written here, so they are tested everywhere.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { identifyStarttls } from '../../src/tls/session/starttls.js';
import { UdpCensus } from '../../src/analysis/udp-census.js';
import { CAPTURES_DIR, CAPTURES_SKIP_REASON, HAVE_CAPTURES } from './manifest.js';

const te = new TextEncoder();

describe('STARTTLS naming from the plaintext exchange', () => {
  const cases: [string, string, string][] = [
    ['smtp', 'EHLO client.example\r\nSTARTTLS\r\n', '220 mail.example ESMTP\r\n250-mail.example\r\n250 STARTTLS\r\n220 Ready to start TLS\r\n'],
    ['imap', 'a001 CAPABILITY\r\na002 STARTTLS\r\n', '* OK IMAP4rev1 ready\r\na002 OK Begin TLS\r\n'],
    ['pop3', 'STLS\r\n', '+OK POP3 ready\r\n+OK Begin TLS\r\n'],
    ['ftp', 'AUTH TLS\r\n', '220 FTP ready\r\n234 AUTH TLS OK\r\n'],
    ['xmpp', "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<stream:stream from='im.example'>"],
    ['irc', 'STARTTLS\r\n', ':irc.example 670 nick :STARTTLS successful\r\n'],
    ['nntp', 'STARTTLS\r\n', '200 news ready\r\n382 Continue with TLS negotiation\r\n'],
  ];
  for (const [name, client, server] of cases) {
    it(name, () => expect(identifyStarttls(te.encode(client), te.encode(server))).toBe(name));
  }
  it('an HTTP CONNECT tunnel through a proxy, only when the proxy agreed (2xx)', () => {
    expect(identifyStarttls(te.encode('CONNECT api.partner.example:443 HTTP/1.1\r\nHost: api.partner.example:443\r\n\r\n'), te.encode('HTTP/1.1 200 Connection established\r\n\r\n'))).toBe('http-connect');
    expect(identifyStarttls(te.encode('CONNECT a.example:443 HTTP/1.0\r\n\r\n'), te.encode('HTTP/1.0 200 OK\r\n\r\n'))).toBe('http-connect');
    // Refused by the proxy (authentication wanted) yet TLS follows: not a tunnel the proxy opened.
    expect(identifyStarttls(te.encode('CONNECT a.example:443 HTTP/1.1\r\n\r\n'), te.encode('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'))).toBe('unknown');
    expect(identifyStarttls(te.encode('GET / HTTP/1.1\r\n\r\n'), te.encode('HTTP/1.1 200 OK\r\n\r\n'))).toBe('unknown');
  });
  it('postgresql SSLRequest and an unknown exchange', () => {
    expect(identifyStarttls(Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]), Uint8Array.of(0x53))).toBe('postgresql');
    expect(identifyStarttls(te.encode('hello'), te.encode('world'))).toBe('unknown');
  });
});

describe('UDP census', () => {
  const datagram = (payload: number[], srcPort: number) => ({ frame: 1, time: { sec: 0, nsec: 0 }, ipVersion: 4 as const, src: '10.0.0.1', dst: '10.0.0.2', srcPort, dstPort: 443, payload: Uint8Array.from(payload) });
  it('counts DTLS and QUIC flows once each, and other UDP as plain flows', () => {
    const census = new UdpCensus();
    const dtls = [22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 2, 3];
    const quic = [0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8];
    census.add(datagram(dtls, 5000));
    census.add(datagram(dtls, 5000));
    census.add(datagram(quic, 5001));
    census.add(datagram([1, 2, 3], 5002));
    expect(census.summary()).toEqual({ datagrams: 4, flows: 3, dtlsFlows: 1, quicFlows: 1, flowsCapped: false });
  });
});

if (!HAVE_CAPTURES) console.log(`starttls/udp conformance: skipped — ${CAPTURES_SKIP_REASON}.`);

describe.skipIf(!HAVE_CAPTURES)('on the shared captures', () => {
  const expected: [string, string][] = [
    ['zeek/tls__smtp-starttls.pcap', 'smtp'],
    ['zeek/tls__imap-starttls.pcap', 'imap'],
    ['zeek/tls__irc-starttls.pcap', 'irc'],
    ['zeek/ftp__ftp-auth-tls.pcap', 'ftp'],
    ['zeek/ldap__ldap-starttls.pcap', 'ldap'],
    ['zeek/mysql__tls-12-amazon-rds.pcap', 'mysql'],
    ['suricata-verify/ldap-starttls__input.pcap', 'ldap'],
    ['suricata-verify/pgsql__pgsql-upgrade-tls__input.pcap', 'postgresql'],
  ];
  for (const [file, protocol] of expected) {
    it(`${file}: TLS after ${protocol} STARTTLS`, async () => {
      const a = await analyzeCapture(join(CAPTURES_DIR, file));
      const tls = a.connections.filter((c) => c.tls === true);
      expect(tls).toHaveLength(1);
      expect(tls[0]?.starttls).toBe(protocol);
      expect(tls[0]?.handshakes[0]?.clientHello).not.toBeNull();
      expect(tls[0]?.handshakes[0]?.serverHello).not.toBeNull();
    });
  }
  it('DTLS and QUIC flows are counted', async () => {
    expect((await analyzeCapture(join(CAPTURES_DIR, 'zeek/tls__dtls1_2.pcap'))).udp.dtlsFlows).toBe(1);
    expect((await analyzeCapture(join(CAPTURES_DIR, 'zeek/tls__dtls1_0.pcap'))).udp.dtlsFlows).toBe(1);
    expect((await analyzeCapture(join(CAPTURES_DIR, 'ja4/tls-handshake.pcapng'))).udp.quicFlows).toBeGreaterThan(0);
  });
});
