/**
 * A DNS server over UDP on 127.0.0.1 and a free port, answering from a zone object, for tests of
 * the dns probe against a real resolver (Node's c-ares) instead of a mocked one. Names in the zone
 * compare case-insensitively; a name missing from the zone is NXDOMAIN, a type missing from a
 * name is an empty answer (NODATA). Call `close` from afterEach or afterAll.
 */
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface DnsZoneEntry {
  A?: string[];
  AAAA?: string[];
  /** Answered for CNAME queries; for other types followed to the target's records, like a recursive server. */
  CNAME?: string;
  MX?: Array<{ priority: number; exchange: string }>;
  /** One item per record; an array is one record made of several strings. */
  TXT?: Array<string | string[]>;
  NS?: string[];
  /** Answer with this response code and no records. */
  rcode?: 'SERVFAIL' | 'REFUSED';
  /** `hang`: never answer; `garbage`: answer with bytes that are not a DNS message. */
  behaviour?: 'hang' | 'garbage';
  /** Wait this long before answering. */
  delayMs?: number;
}

export type DnsZone = Record<string, DnsZoneEntry>;

export interface LocalDnsServer {
  port: number;
  /** `127.0.0.1:<port>`, as the probe's `resolver` takes it. */
  address: string;
  /** Queries received so far, answered or not. */
  readonly queries: number;
  close(): Promise<void>;
}

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
/** Shorter than a DNS header, so no resolver can read it as an answer. */
const GARBAGE = Buffer.from('junk');

export async function startDnsServer(zone: DnsZone): Promise<LocalDnsServer> {
  const entries = new Map(Object.entries(zone).map(([name, entry]) => [canonical(name), entry]));
  const socket = dgram.createSocket('udp4');
  const pendingReplies = new Set<NodeJS.Timeout>();
  let queries = 0;
  let closed = false;

  socket.on('message', (message, remote) => {
    queries += 1;
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not a DNS query: a real server drops it too
    }
    const entry = entries.get(canonical(query.questions?.[0]?.name ?? ''));
    if (entry?.behaviour === 'hang') return;
    const reply = entry?.behaviour === 'garbage' ? GARBAGE : answer(query, entries);
    const send = (): void => {
      if (!closed) socket.send(reply, remote.port, remote.address);
    };
    if (entry?.delayMs === undefined) return send();
    const timer = setTimeout(() => {
      pendingReplies.delete(timer);
      send();
    }, entry.delayMs);
    pendingReplies.add(timer);
  });

  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    port,
    address: `127.0.0.1:${port}`,
    get queries() {
      return queries;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        for (const timer of pendingReplies) clearTimeout(timer);
        socket.close(() => resolve());
      }),
  };
}

/** A UDP port that was bound a moment ago and is now closed: queries to it are refused. */
export async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function answer(query: dnsPacket.DecodedPacket, entries: Map<string, DnsZoneEntry>): Buffer {
  const question = query.questions?.[0];
  const entry = question === undefined ? undefined : entries.get(canonical(question.name));
  const rcode = entry === undefined ? RCODES.NXDOMAIN : RCODES[entry.rcode ?? 'NOERROR'];
  const answers = question === undefined || entry === undefined || entry.rcode !== undefined ? [] : records(question, entry, entries);
  return dnsPacket.encode({
    id: query.id,
    type: 'response',
    // The response code is the low 4 bits of the flags word.
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) | rcode,
    questions: query.questions,
    answers,
  });
}

function records(question: dnsPacket.Question, entry: DnsZoneEntry, entries: Map<string, DnsZoneEntry>): dnsPacket.Answer[] {
  const base = { name: question.name, ttl: 60 };
  if (entry.CNAME !== undefined && question.type !== 'CNAME') {
    const target = entries.get(canonical(entry.CNAME));
    const chased = target === undefined ? [] : records({ ...question, name: entry.CNAME }, target, entries);
    return [{ ...base, type: 'CNAME', data: entry.CNAME }, ...chased];
  }
  switch (question.type) {
    case 'A':
    case 'AAAA':
    case 'NS':
      return (entry[question.type] ?? []).map((data) => ({ ...base, type: question.type as 'A' | 'AAAA' | 'NS', data }));
    case 'CNAME':
      return entry.CNAME === undefined ? [] : [{ ...base, type: 'CNAME', data: entry.CNAME }];
    case 'MX':
      return (entry.MX ?? []).map(({ priority, exchange }) => ({ ...base, type: 'MX', data: { preference: priority, exchange } }));
    case 'TXT':
      return (entry.TXT ?? []).map((data) => ({ ...base, type: 'TXT', data }));
    default:
      return [];
  }
}

function canonical(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
