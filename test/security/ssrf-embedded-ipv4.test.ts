import type { DomainReport } from '../../src/core/report';
import { nonPublicReason } from '../../src/probe/address-guard';
import { checkDomain } from '../../src/probe/check';
import { MailInternet } from '../support/mail-internet';

/**
 * Issue 12, finding 5: IPv6 addresses that carry an IPv4 address reach that address on a host with NAT64, a
 * 6to4 or Teredo relay, or a dual-stack socket, so the SSRF guard judges the embedded address. Real DNS
 * packets from the loopback DNS server; an MX whose only record is such an AAAA must not be contacted.
 */

let net: MailInternet;
let seq = 0;

beforeAll(async () => {
  net = await MailInternet.start();
});
afterAll(async () => {
  await net.close();
});

/** A fresh domain whose one MX host has only this AAAA record. */
function domainWithAaaa(address: string): string {
  seq += 1;
  const domain = `embedded-${seq}.test`;
  net.mx(domain, [[10, `mx.${domain}`]]);
  net.dns.add({ type: 'AAAA', name: `mx.${domain}`, data: address });
  return domain;
}

function check(domain: string, allowPrivateNetworks: boolean): Promise<DomainReport> {
  return checkDomain(domain, { ...net.probeOptions, allowPrivateNetworks, timeoutMs: 1000 });
}

const REFUSED: ReadonlyArray<[form: string, address: string, reason: string]> = [
  ['NAT64 of 10.0.0.1', '64:ff9b::a00:1', 'NAT64 of 10.0.0.1 (private)'],
  ['6to4 of 127.0.0.1', '2002:7f00:1::1', '6to4 of 127.0.0.1 (loopback)'],
  ['Teredo with client 192.168.1.1', '2001:0:808:808::3f57:fefe', 'Teredo client 192.168.1.1 (private)'],
  ['IPv4-compatible 127.0.0.1', '::7f00:1', 'IPv4-compatible form of 127.0.0.1'],
  ['IPv4-compatible (the rest of ::/96)', '::808:808', 'IPv4-compatible form of 8.8.8.8'],
  ['IPv4-mapped 10.0.0.1', '::ffff:10.0.0.1', 'IPv4-mapped 10.0.0.1 (private)'],
  ['the local-use NAT64 prefix', '64:ff9b:1::808:808', 'private NAT64'],
];

describe('SSRF guard: IPv4 inside IPv6', () => {
  it.each(REFUSED)('does not contact an MX whose AAAA is %s', async (_form, address, reason) => {
    const report = await check(domainWithAaaa(address), false);
    const mx = report.mx[0];
    // As decoded from the DNS answer (the spelling may differ, e.g. ::ffff:a00:1).
    expect(mx?.addresses).toHaveLength(1);
    expect(mx?.probedAddress).toBeNull();
    expect(report.status).toBe('unknown');
    const refusal = report.findings.find((finding) => finding.code === 'PRIVATE_ADDRESS_REFUSED');
    expect(refusal?.message).toContain(reason);
  });

  it('refuses the IPv4-mapped form of a loopback SMTP server, which the probe can otherwise reach', async () => {
    seq += 1;
    const domain = `mapped-${seq}.test`;
    const host = await net.mailHost({ name: `mx.${domain}`, aRecord: false });
    net.mx(domain, [[10, host.name]]);
    net.dns.add({ type: 'AAAA', name: host.name, data: `::ffff:${host.ip}` });
    const before = host.server.connections;

    expect((await check(domain, false)).mx[0]?.probedAddress).toBeNull();
    expect(host.server.connections).toBe(before);

    // The form is live: a dual-stack socket delivers it to the IPv4 server.
    expect((await check(domain, true)).status).toBe('opportunistic');
    expect(host.server.connections).toBe(before + 1);
  });

  it('does not fetch an MTA-STS policy from a NAT64 address of a private network', async () => {
    const domain = domainWithAaaa('2002:7f00:1::1');
    net.txt(`_mta-sts.${domain}`, 'v=STSv1; id=1');
    net.dns.add({ type: 'AAAA', name: `mta-sts.${domain}`, data: '64:ff9b::a9fe:a9fe' });
    const report = await check(domain, false);
    expect(report.mtaSts.error?.code).toBe('MTA_STS_FETCH_FAILED');
    expect(report.findings.filter((finding) => finding.code === 'PRIVATE_ADDRESS_REFUSED')).toHaveLength(2);
  });

  it.each(['64:ff9b::808:808', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:fbfb', '::ffff:8.8.8.8'])(
    'still allows %s, whose embedded IPv4 address is public',
    (address) => {
      expect(nonPublicReason(address)).toBeNull();
    },
  );
});
