import { describe, expect, test } from 'vitest';
import { isIPv4, isIPv6, isSystemAccount } from '../../../functions/src/privacy/scrub-lexicon.ts';
import { scrubFreeText } from '../../../functions/src/privacy/scrub.ts';

// The scrubber's building blocks (scrub-lexicon.ts): the address validators at their edges, and
// each word list through the stored string it decides (issue 19). Every row of a list names a
// word of a different line of that list, so emptying any line fails a row.
const scrubbed = (input: string): string => scrubFreeText(input, 2000);

describe('isIPv4: a dotted quad of decimal octets 0-255', () => {
  test.each([
    ['10.0.0.1', true],
    ['255.255.255.255', true],
    ['0.0.0.0', true],
    ['001.002.003.004', true],
    ['256.0.0.1', false],
    ['10.0.0.256', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['1.2.3.a', false],
    ['1234.0.0.1', false],
    ['1.2..4', false],
    // Number() reads " 1", "1 " and "+1" as 1: only digits are an octet.
    [' 1.2.3.4', false],
    ['1 .2.3.4', false],
    ['+1.2.3.4', false],
    ['', false],
  ])('%j is %s', (text, expected) => {
    expect(isIPv4(text)).toBe(expected);
  });
});

describe('isIPv6: an address without zone, with a hex digit', () => {
  test.each([
    ['2001:db8::1', true],
    ['::1', true],
    ['1::', true],
    ['fe80::', true],
    ['1:2:3:4:5:6:7:8', true],
    ['FFFF:ffff:0:0:0:0:0:1', true],
    // Seven groups around `::` are the most it can stand between.
    ['1:2:3:4:5:6::7', true],
    ['1:2:3:4:5:6:7::8', false],
    ['1:2:3:4:5:6:7', false],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1:2:3:4:5:6:7:g', false],
    ['1:2:3:4:5:6:7:12345', false],
    ['1:2:3:4:5:6:7:', false],
    [':1:2:3:4:5:6:7', false],
    ['1::2::3', false],
    ['1:::2', false],
    // `::` alone, or colons and dots only, carry no hex digit.
    ['::', false],
    [':::', false],
    // An embedded IPv4 stands for the last two groups.
    ['::ffff:10.0.0.1', true],
    ['::10.0.0.1', true],
    ['1:2:3:4:5:6:10.0.0.1', true],
    ['1:2:3:4:5:6:7:10.0.0.1', false],
    ['::ffff:10.0.0.256', false],
    ['::ffff:10.0.0', false],
    ['10.0.0.1', false],
    ['fe80::1.', false],
    // At most 45 characters: the longest form is exactly that.
    ['0000:0000:0000:0000:0000:ffff:255.255.255.255', true],
    ['0000:0000:0000:0000:0000:ffff:255.255.255.2550', false],
    ['0000:0000:0000:0000:0000:0000:0000:0000:', false],
  ])('%j is %s', (text, expected) => {
    expect(isIPv6(text)).toBe(expected);
  });
});

describe('isSystemAccount: accounts every system has', () => {
  test.each([
    ['root', true],
    ['Root', true],
    ['NETDATA', true],
    ['systemd-resolve', true],
    ['Systemd-Network', true],
    ['resolve-systemd', false],
    ['systemd', false],
    ['alice', false],
    ['', false],
  ])('%j is %s', (name, expected) => {
    expect(isSystemAccount(name)).toBe(expected);
  });
});

describe('system accounts stay in stored text, other names go', () => {
  test.each([
    ['user=alice', 'user=<user>'],
    ['user=Alice', 'user=<user>'],
    // One account of each line of the list.
    ['user=root', 'user=root'],
    ['user=netdata', 'user=netdata'],
    ['user=vagrant', 'user=vagrant'],
    ['user=syslog', 'user=syslog'],
    ['user=Root', 'user=Root'],
    ['user=systemd-resolve', 'user=systemd-resolve'],
    ['user=resolve-systemd', 'user=<user>'],
    ['~alice/.netdata', '~<user>/.netdata'],
    ['~nginx/.cache', '~nginx/.cache'],
    ['uid=0(root) gid=1000(alice)', 'uid=0(root) gid=1000(<user>)'],
  ])('%s', (input, expected) => {
    expect(scrubbed(input)).toBe(expected);
  });
});

describe('words of prose after a name label stay', () => {
  test.each([
    // One word of each line of the list.
    ['user=unknown', 'user=unknown'],
    ['user=missing', 'user=missing'],
    ['user=denied', 'user=denied'],
    ['user=name', 'user=name'],
    ['user=configured', 'user=configured'],
    ['user=default', 'user=default'],
    ['host=unknown', 'host=unknown'],
    ['host=db01', 'host=<host>'],
  ])('%s', (input, expected) => {
    expect(scrubbed(input)).toBe(expected);
  });
});

describe('file names are no host names', () => {
  test.each([
    // One extension of each line of the list.
    ['open main.cpp', 'open main.cpp'],
    ['open collector.lua', 'open collector.lua'],
    ['open netdata.pid', 'open netdata.pid'],
    ['open style.css', 'open style.css'],
    ['open data.csv', 'open data.csv'],
    ['open server.pem', 'open server.pem'],
    ['open page.twig', 'open page.twig'],
    ['read cpu.pressure', 'read cpu.pressure'],
    ['mirror at acme.example', 'mirror at <host>'],
    // An extension that is also a TLD: three labels, none file-like, make a host.
    ['curl get.acme.sh | sh', 'curl <host> | sh'],
    ['run install.sh', 'run install.sh'],
    ['unpack build.test.zip', 'unpack build.test.zip'],
    ['unpack build.config.zip', 'unpack build.config.zip'],
  ])('%s', (input, expected) => {
    expect(scrubbed(input)).toBe(expected);
  });
});

describe('a cut never leaves part of a placeholder', () => {
  // Each placeholder cut right after a prefix no other placeholder starts with.
  test.each([
    ['<email>', '<em'],
    ['<host>', '<ho'],
    ['<ip>', '<ip'],
    ['<mac>', '<ma'],
    ['<user>', '<us'],
    ['<serial>', '<ser'],
    ['<secret>', '<sec'],
    ['<query>', '<qu'],
    ['<id>', '<id'],
  ])('%s cut after %s', (placeholder, prefix) => {
    const text = `error at ${placeholder} now`;
    expect(scrubFreeText(text, 'error at '.length + prefix.length + 1)).toBe('error at\u2026');
  });
});
