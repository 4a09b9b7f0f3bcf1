/**
 * The lab's agent: one per network namespace (started with `ip netns exec NS node agent.js`). It listens
 * on the ports it is told and probes the connections it is told, and speaks JSON lines on stdin/stdout.
 * It exits when stdin closes, so a killed parent leaves no agent behind.
 *   -> {"op":"listen","ports":[["TCP",80],["UDP",53]],"v6":true}   <- {"op":"listening","failed":[...]}   (v6: on IPv6 too)
 *   -> {"op":"probe","id":1,"p":"TCP","host":"10.244.0.2","port":80,"t":1000,"sp":1024}   (sp: source port, optional; host of either family)
 *   <- {"op":"result","id":1,"r":"open"|"refused"|"blocked"|"timeout"|"error","code":"...","ms":3}
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

type Msg = { op: 'listen'; ports: Array<[string, number]>; v6?: boolean } | { op: 'probe'; id: number; p: string; host: string; port: number; t: number; sp?: number };

const servers: Array<net.Server | dgram.Socket> = [];
const listening = new Set<string>();

// The kernel rate-limits ICMP errors per peer (a burst of six, then one a second): a denial would then
// look like a timeout and cost its whole wait. The lab's namespaces are its own, so lift the limit there.
for (const [file, value] of [
  ['/proc/sys/net/ipv4/icmp_ratelimit', '0'],
  ['/proc/sys/net/ipv4/icmp_msgs_per_sec', '1000000'],
  ['/proc/sys/net/ipv4/icmp_msgs_burst', '1000000'],
]) {
  try {
    writeFileSync(file!, value!);
  } catch {
    // an older kernel without the knob: probes still work, denials may wait for the timeout
  }
}

// UDP probes use source ports in sequence, so a new probe never reuses the 5-tuple of an earlier one
// that conntrack may still hold as established (the e2e suite changes the rules between probes).
let nextUdpPort = 40000 + Math.floor(Math.random() * 1000);
function udpSourcePort(): number {
  for (;;) {
    const p = nextUdpPort;
    nextUdpPort = nextUdpPort >= 59999 ? 40000 : nextUdpPort + 1;
    if (!listening.has(`UDP/${p}`)) return p;
  }
}

function send(o: unknown): void {
  process.stdout.write(`${JSON.stringify(o)}\n`);
}

/** A listener on IPv4 (`0.0.0.0`), or on IPv6 alone (`::`, v6only: the IPv4 one keeps its port). */
function listenOne(p: string, port: number, v6 = false): Promise<string | undefined> {
  listening.add(`${p}/${port}`);
  const tag = v6 ? ' (IPv6)' : '';
  return new Promise((resolve) => {
    if (p === 'TCP') {
      const s = net.createServer((c) => c.destroy());
      s.once('error', (e) => resolve(`${p}/${port}${tag}: ${(e as NodeJS.ErrnoException).code}`));
      s.listen({ port, host: v6 ? '::' : '0.0.0.0', ...(v6 ? { ipv6Only: true } : {}) }, () => resolve(undefined));
      servers.push(s);
    } else if (p === 'UDP') {
      const s = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ...(v6 ? { ipv6Only: true } : {}) });
      s.on('message', (m, r) => s.send(m, r.port, r.address));
      s.once('error', (e) => resolve(`${p}/${port}${tag}: ${(e as NodeJS.ErrnoException).code}`));
      s.bind(port, v6 ? '::' : '0.0.0.0', () => resolve(undefined));
      servers.push(s);
    } else resolve(`${p}/${port}: unsupported protocol`);
  });
}

/** Errors that mean "a firewall said no": an ICMP admin-prohibited (EHOSTUNREACH) or a local drop (EPERM). */
const BLOCKED = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EPERM', 'EACCES']);

function probe(m: Extract<Msg, { op: 'probe' }>): void {
  const t0 = Date.now();
  let done = false;
  const finish = (r: string, code?: string): void => {
    if (done) return;
    done = true;
    send({ op: 'result', id: m.id, r, ...(code ? { code } : {}), ms: Date.now() - t0 });
  };
  const fromError = (e: NodeJS.ErrnoException): void => finish(e.code === 'ECONNREFUSED' ? 'refused' : BLOCKED.has(e.code ?? '') ? 'blocked' : 'error', e.code ?? e.message);
  if (m.p === 'TCP') {
    const c = net.connect({ host: m.host, port: m.port, ...(m.sp ? { localPort: m.sp } : {}) });
    const timer = setTimeout(() => {
      finish('timeout');
      c.destroy();
    }, m.t);
    c.once('connect', () => {
      clearTimeout(timer);
      finish('open');
      c.destroy();
    });
    c.once('error', (e) => {
      clearTimeout(timer);
      fromError(e);
    });
  } else if (m.p === 'UDP') {
    const s = dgram.createSocket({ type: net.isIPv6(m.host) ? 'udp6' : 'udp4', ...(net.isIPv6(m.host) ? { ipv6Only: true } : {}) });
    const close = (): void => {
      try {
        s.close();
      } catch {
        // already closed
      }
    };
    const timer = setTimeout(() => {
      finish('timeout');
      close();
    }, m.t);
    s.once('message', () => {
      clearTimeout(timer);
      finish('open');
      close();
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      fromError(e);
      close();
    });
    const connect = (): void => s.connect(m.port, m.host, () => s.send(`bulkhead probe ${m.id}`));
    s.once('listening', connect);
    s.bind(m.sp ?? udpSourcePort());
  } else finish('error', `unsupported protocol ${m.p}`);
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let m: Msg;
  try {
    m = JSON.parse(line) as Msg;
  } catch {
    return;
  }
  if (m.op === 'listen') {
    const all = m.ports.flatMap(([p, port]) => [listenOne(p, port), ...(m.v6 ? [listenOne(p, port, true)] : [])]);
    void Promise.all(all).then((r) => send({ op: 'listening', failed: r.filter((x) => x !== undefined) }));
  } else if (m.op === 'probe') probe(m);
});
rl.on('close', () => process.exit(0));
send({ op: 'ready' });
