/**
 * A seeded, deterministic generator of realistic clusters for the benchmark: namespaces per team and
 * environment, Deployments with replicas, StatefulSets, DaemonSets, and NetworkPolicies in the shapes
 * teams really write. Output is multi-document YAML text, so the loader is measured too.
 *
 * Usage (after `npm run build`): node dist/bench/generate.js SIZE [SEED] > cluster.yaml
 * SIZE: S, M, L, XL, XXL or a pod count; or a special shape: open:N, open1:N, ipblocks:N, replicas:N.
 */
import { pathToFileURL } from 'node:url';

/** Pod counts by size name; XXL is the Kubernetes maximum (150,000 pods per cluster). */
export const SIZES = { S: 100, M: 1_000, L: 10_000, XL: 100_000, XXL: 150_000 } as const;
export type SizeName = keyof typeof SIZES;

export interface GeneratedCluster {
  readonly files: { path: string; text: string }[];
  readonly stats: { namespaces: number; workloads: number; pods: number; policies: number; unprotectedNamespaces: number };
}

/** mulberry32: tiny, fast and good enough to vary shapes reproducibly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENVS = ['dev', 'staging', 'prod'] as const;
const TIERS = ['web', 'api', 'worker', 'db', 'cache'] as const;
type Tier = (typeof TIERS)[number];

/** Container ports per tier; names are what tier-to-tier rules refer to. */
const TIER_PORTS: Record<Tier, Array<[string, number, string]>> = {
  web: [['http', 8080, 'TCP'], ['metrics', 9102, 'TCP']],
  api: [['http', 8080, 'TCP'], ['grpc', 9090, 'TCP'], ['metrics', 9102, 'TCP']],
  worker: [['metrics', 9102, 'TCP']],
  db: [['postgres', 5432, 'TCP'], ['metrics', 9187, 'TCP']],
  cache: [['redis', 6379, 'TCP'], ['metrics', 9121, 'TCP']],
};

function yamlLabels(indent: string, labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${indent}${k}: "${v}"\n`)
    .join('');
}

function workloadYaml(kind: string, ns: string, name: string, replicas: number, labels: Record<string, string>, ports: Array<[string, number, string]>): string {
  const rep = kind === 'DaemonSet' ? '' : `  replicas: ${replicas}\n`;
  const portLines = ports.map(([n, p, proto]) => `        - name: ${n}\n          containerPort: ${p}\n          protocol: ${proto}\n`).join('');
  return (
    `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${rep}` +
    `  selector:\n    matchLabels:\n      app: "${labels['app']}"\n  template:\n    metadata:\n      labels:\n${yamlLabels('        ', labels)}` +
    `    spec:\n      containers:\n      - name: main\n        image: registry.example.com/${name}:1.0\n        ports:\n${portLines}`
  );
}

interface Ns {
  name: string;
  team: string;
  env: string;
  apps: Array<{ name: string; tier: Tier }>;
}

/**
 * Cluster-scoped policies as admins write them: tens of AdminNetworkPolicies (monitoring and DNS allowed
 * everywhere, dev kept out of prod, per-team isolation that passes in-team traffic to the teams' own
 * NetworkPolicies, prod egress to the internet denied) and a BaselineAdminNetworkPolicy default.
 */
function adminPolicies(teams: number): string[] {
  const anp = (name: string, priority: number, body: string): string =>
    `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n  priority: ${priority}\n${body}`;
  const ns = (labels: string): string => `      namespaces:\n        matchLabels: {${labels}}\n`;
  const out = [
    anp('allow-monitoring', 5, `  subject:\n    namespaces: {}\n  ingress:\n  - name: scrape\n    action: Allow\n    from:\n    - namespaces:\n        matchLabels: {purpose: monitoring}\n    ports:\n    - portRange: {protocol: TCP, start: 9100, end: 9199}\n`),
    anp('allow-dns', 6, `  subject:\n    namespaces: {}\n  egress:\n  - name: dns\n    action: Allow\n    to:\n    - pods:\n        namespaceSelector:\n          matchLabels: {kubernetes.io/metadata.name: kube-system}\n        podSelector:\n          matchLabels: {k8s-app: kube-dns}\n    ports:\n    - portNumber: {protocol: UDP, port: 53}\n    - portNumber: {protocol: TCP, port: 53}\n`),
    anp('dev-not-in-prod', 10, `  subject:\n    namespaces:\n      matchLabels: {env: prod}\n  ingress:\n  - name: deny-dev\n    action: Deny\n    from:\n    - namespaces:\n        matchLabels: {env: dev}\n`),
    anp('prod-egress', 50, `  subject:\n    namespaces:\n      matchLabels: {env: prod}\n  egress:\n  - name: internal\n    action: Pass\n    to:\n    - networks: [10.0.0.0/8]\n  - name: no-internet\n    action: Deny\n    to:\n    - networks: [0.0.0.0/0]\n`),
  ];
  for (let t = 0; t < Math.min(teams, 40); t++) {
    out.push(
      anp(`team${t}-isolation`, 100 + t, `  subject:\n    namespaces:\n      matchLabels: {team: team${t}}\n  ingress:\n  - name: same-team\n    action: Pass\n    from:\n    - namespaces:\n        matchLabels: {team: team${t}}\n  - name: ingress-controllers\n    action: Pass\n    from:\n    - namespaces:\n        matchLabels: {purpose: ingress}\n  - name: other-teams\n    action: Deny\n    from:\n${ns('env: prod').replace('      namespaces', '    - namespaces')}`),
    );
  }
  out.push(
    `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n  name: default\nspec:\n  subject:\n    namespaces: {}\n  ingress:\n  - name: no-dev\n    action: Deny\n    from:\n    - namespaces:\n        matchLabels: {env: dev}\n`,
  );
  return out;
}

/** A team namespace of a generated cluster; `protected` ones get policies (one in ten has none). */
export interface TeamNamespace {
  readonly name: string;
  readonly team: string;
  readonly env: (typeof ENVS)[number];
  readonly protected: boolean;
}

/** The team namespaces `generateCluster(pods)` makes: one per team and environment, about 250 pods each. */
export function teamNamespaces(pods: number): { teams: number; namespaces: TeamNamespace[] } {
  const nsCount = Math.max(2, Math.round(pods / 250));
  const teams = Math.max(1, Math.ceil(nsCount / ENVS.length));
  const out: Array<Omit<TeamNamespace, 'protected'>> = [];
  for (let t = 0; t < teams && out.length < nsCount; t++) {
    for (const env of ENVS) {
      if (out.length >= nsCount) break;
      out.push({ name: `team${t}-${env}`, team: `team${t}`, env });
    }
  }
  return { teams, namespaces: out.map((n, i) => ({ ...n, protected: i % 10 !== 9 && !(out.length < 10 && i === out.length - 1) })) };
}

/** Generates a cluster of about `pods` pods and pods/5 policies; the same (pods, seed) gives the same text. */
export function generateCluster(pods: number, seed = 1, opts: { readonly admin?: boolean } = {}): GeneratedCluster {
  const r = rng(seed ^ (pods * 2654435761));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const docs: string[] = [];
  const policies: string[] = [];
  let podCount = 0;
  let workloads = 0;

  // Platform namespaces every cluster has.
  const nodes = Math.max(2, Math.round(pods / 400));
  docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n`);
  docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n  labels:\n    purpose: monitoring\n`);
  docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ingress-nginx\n  labels:\n    purpose: ingress\n`);
  const coreDns = Math.max(2, Math.round(pods / 5000));
  docs.push(workloadYaml('Deployment', 'kube-system', 'coredns', coreDns, { app: 'coredns', 'k8s-app': 'kube-dns' }, [['dns', 53, 'UDP'], ['dns-tcp', 53, 'TCP'], ['metrics', 9153, 'TCP']]));
  docs.push(workloadYaml('DaemonSet', 'kube-system', 'kube-proxy', 1, { app: 'kube-proxy', 'k8s-app': 'kube-proxy' }, [['metrics', 10249, 'TCP']]));
  docs.push(workloadYaml('Deployment', 'monitoring', 'prometheus', 2, { app: 'prometheus', component: 'server' }, [['web', 9090, 'TCP']]));
  docs.push(workloadYaml('DaemonSet', 'monitoring', 'node-exporter', 1, { app: 'node-exporter' }, [['metrics', 9100, 'TCP']]));
  docs.push(workloadYaml('Deployment', 'ingress-nginx', 'controller', Math.max(2, Math.round(pods / 10000)), { app: 'ingress-nginx', component: 'controller' }, [['http', 80, 'TCP'], ['https', 443, 'TCP']]));
  podCount += coreDns + 1 + 2 + 1 + Math.max(2, Math.round(pods / 10000));
  workloads += 5;
  void nodes;
  policies.push(
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-scrape\n  namespace: kube-system\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          purpose: monitoring\n    ports:\n    - port: metrics\n  - ports:\n    - port: 53\n      protocol: UDP\n    - port: 53\n      protocol: TCP\n`,
  );

  const layout = teamNamespaces(pods);
  const teams = layout.teams;
  const nss: Ns[] = layout.namespaces.map((n) => ({ name: n.name, team: n.team, env: n.env, apps: [] }));
  const perNs = Math.max(1, Math.floor((pods - podCount) / nss.length));
  for (const ns of nss) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns.name}\n  labels:\n    team: ${ns.team}\n    env: ${ns.env}\n`);
    let budget = perNs;
    let i = 0;
    while (budget > 0) {
      const tier: Tier = i < 5 ? TIERS[i]! : pick(TIERS);
      const kind = tier === 'db' || tier === 'cache' ? 'StatefulSet' : r() < 0.05 ? 'DaemonSet' : 'Deployment';
      const replicas = kind === 'DaemonSet' ? 1 : Math.min(budget, 1 + Math.floor(r() * (tier === 'db' ? 3 : 10)));
      const name = `${tier}-${i}`;
      const labels: Record<string, string> = { app: name, tier, team: ns.team, env: ns.env };
      if (r() < 0.3) labels['version'] = pick(['v1', 'v2', 'canary']);
      docs.push(workloadYaml(kind, ns.name, name, replicas, labels, TIER_PORTS[tier]));
      ns.apps.push({ name, tier });
      budget -= replicas;
      podCount += replicas;
      workloads++;
      i++;
    }
  }

  // Policies: about pods/5 in total, spread over the namespaces that have any (one in ten has none).
  const targetPolicies = Math.max(5, Math.round(pods / 5));
  const protectedNs = nss.filter((_, i) => layout.namespaces[i]!.protected);
  const pol = (ns: string, name: string, body: string): void => {
    policies.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${body}`);
  };
  for (const ns of protectedNs) {
    const egressDeny = ns.env === 'prod' || r() < 0.5;
    pol(ns.name, 'default-deny', `  podSelector: {}\n  policyTypes: [Ingress${egressDeny ? ', Egress' : ''}]\n`);
    pol(
      ns.name,
      'allow-dns',
      `  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: kube-system\n      podSelector:\n        matchLabels:\n          k8s-app: kube-dns\n    ports:\n    - port: 53\n      protocol: UDP\n    - port: 53\n      protocol: TCP\n`,
    );
    pol(
      ns.name,
      'allow-monitoring',
      `  podSelector:\n    matchExpressions:\n    - key: tier\n      operator: In\n      values: [web, api, worker, db, cache]\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          purpose: monitoring\n      podSelector:\n        matchLabels:\n          app: prometheus\n    ports:\n    - port: 9100\n      endPort: 9199\n      protocol: TCP\n`,
    );
  }
  // Per-app rules until the policy budget is spent, cycling over protected namespaces and their apps.
  const webs = nss.flatMap((ns) => ns.apps.filter((a) => a.tier === 'api').map((a) => ({ ns, a })));
  let k = 0;
  const perApp: Array<{ ns: Ns; a: { name: string; tier: Tier } }> = protectedNs.flatMap((ns) => ns.apps.map((a) => ({ ns, a })));
  while (policies.length < targetPolicies && perApp.length > 0) {
    const { ns, a } = perApp[k % perApp.length]!;
    const round = Math.floor(k / perApp.length);
    k++;
    const sel = `  podSelector:\n    matchLabels:\n      app: "${a.name}"\n`;
    const id = round === 0 ? a.name : `${a.name}-${round}`;
    const u = r();
    const shape = round === 0 && u < 0.6 ? a.tier : u < 0.75 || round > 0 ? pick(['egress-ip', 'cross-ns', 'egress-internal'] as const) : a.tier;
    switch (shape) {
      case 'web':
        pol(ns.name, `allow-ingress-to-${id}`, `${sel}  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          purpose: ingress\n    ports:\n    - port: http\n`);
        break;
      case 'api':
        pol(
          ns.name,
          `allow-web-to-${id}`,
          `${sel}  policyTypes: [Ingress, Egress]\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          tier: web\n    ports:\n    - port: http\n    - port: grpc\n  egress:\n  - to:\n    - podSelector:\n        matchExpressions:\n        - key: tier\n          operator: In\n          values: [db, cache]\n    ports:\n    - port: postgres\n    - port: redis\n`,
        );
        break;
      case 'worker':
        pol(
          ns.name,
          `allow-${id}-egress`,
          `${sel}  policyTypes: [Egress]\n  egress:\n  - to:\n    - podSelector:\n        matchLabels:\n          tier: api\n    ports:\n    - port: grpc\n  - to:\n    - ipBlock:\n        cidr: 0.0.0.0/0\n        except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]\n    ports:\n    - port: 443\n`,
        );
        break;
      case 'db':
      case 'cache':
        pol(
          ns.name,
          `allow-api-to-${id}`,
          `${sel}  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          tier: api\n    - podSelector:\n        matchLabels:\n          tier: worker\n    ports:\n    - port: ${a.tier === 'db' ? 'postgres' : 'redis'}\n`,
        );
        break;
      case 'egress-ip':
        pol(
          ns.name,
          `allow-${id}-external`,
          `${sel}  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.${(k * 7) % 250}.0.0/16\n    - ipBlock:\n        cidr: 203.0.113.${(k % 60) * 4}/30\n    ports:\n    - port: ${pick([443, 5432, 9092])}\n      protocol: TCP\n`,
        );
        break;
      case 'cross-ns': {
        const other = webs.length ? pick(webs) : undefined;
        if (!other) break;
        pol(
          ns.name,
          `allow-from-${other.ns.name}-${id}`,
          `${sel}  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          team: ${other.ns.team}\n          env: ${other.ns.env}\n      podSelector:\n        matchLabels:\n          app: "${other.a.name}"\n    ports:\n    - port: 8000\n      endPort: ${8000 + 10 * (1 + (k % 20))}\n`,
        );
        break;
      }
      case 'egress-internal':
        pol(
          ns.name,
          `allow-${id}-to-team`,
          `${sel}  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          team: ${ns.team}\n      podSelector:\n        matchExpressions:\n        - key: tier\n          operator: NotIn\n          values: [db]\n    ports:\n    - port: http\n    - port: ${pick([8443, 9090])}\n`,
        );
        break;
    }
  }
  const admin = opts.admin ? adminPolicies(teams) : [];
  const text = [...docs, ...policies, ...admin].join('---\n');
  return {
    files: [{ path: `generated-${pods}-${seed}${opts.admin ? '-admin' : ''}.yaml`, text }],
    stats: { namespaces: nss.length + 3, workloads, pods: podCount, policies: policies.length, unprotectedNamespaces: nss.length - protectedNs.length },
  };
}

/**
 * The state before a team's first policy: `workloads` Deployments of one replica each, 100 per namespace,
 * every one with its own labels, and no NetworkPolicy, so every workload reaches every workload.
 * With `onePolicy`, one default-deny-ingress policy in the first namespace (the first policy, for diff).
 */
export function generateOpenCluster(workloads: number, onePolicy = false): GeneratedCluster {
  const docs: string[] = [];
  const nsCount = Math.max(1, Math.ceil(workloads / 100));
  for (let n = 0; n < nsCount; n++) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns${n}\n  labels:\n    team: t${n % 7}\n`);
  for (let i = 0; i < workloads; i++) {
    const tier = TIERS[i % TIERS.length]!;
    docs.push(workloadYaml('Deployment', `ns${i % nsCount}`, `app-${i}`, 1, { app: `app-${i}`, tier }, TIER_PORTS[tier]));
  }
  if (onePolicy) docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ns0\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`);
  return {
    files: [{ path: `open-${workloads}${onePolicy ? '-one-policy' : ''}.yaml`, text: docs.join('---\n') }],
    stats: { namespaces: nsCount, workloads, pods: workloads, policies: onePolicy ? 1 : 0, unprotectedNamespaces: onePolicy ? nsCount - 1 : nsCount },
  };
}

/**
 * An allowlist-heavy cluster: 50 workloads, and egress and ingress policies that name about `cidrs`
 * distinct ipBlock CIDRs between them (partner /32s, /24s with excepts, /16s nesting those, some IPv6),
 * 100 per policy, each policy selecting one workload; a few bare pods have addresses inside the blocks.
 */
export function generateIpBlockCluster(cidrs: number, seed = 1): GeneratedCluster {
  const r = rng(seed ^ (cidrs * 40503));
  const docs: string[] = [];
  const policies: string[] = [];
  const apps = 50;
  docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: edge\n`);
  for (let i = 0; i < apps; i++) {
    const tier = TIERS[i % TIERS.length]!;
    docs.push(workloadYaml('Deployment', 'edge', `app-${i}`, 2, { app: `app-${i}`, tier }, TIER_PORTS[tier]));
  }
  const perPolicy = 100;
  const count = Math.ceil(cidrs / perPolicy);
  let made = 0;
  /** A distinct CIDR; one in ten a /24 with excepts, one in twenty a /16 around earlier ones, one in fifty IPv6. */
  const cidr = (): { text: string; except: string[] } => {
    const k = made++;
    const a = 11 + (k % 200);
    const b = Math.floor(k / 200) % 256;
    const c = Math.floor(k / 51_200) % 256;
    const u = r();
    if (u < 0.02) return { text: `2001:db8:${(k % 65536).toString(16)}::/48`, except: [] };
    if (u < 0.07) return { text: `${a}.${(b + 128) % 256}.0.0/16`, except: [`${a}.${(b + 128) % 256}.${c}.0/24`] };
    if (u < 0.17) return { text: `${a}.${b}.${c}.0/24`, except: [`${a}.${b}.${c}.${16 * Math.floor(r() * 8)}/28`, `${a}.${b}.${c}.${128 + 16 * Math.floor(r() * 8)}/28`] };
    return { text: `${a}.${b}.${c}.${1 + Math.floor(r() * 250)}/32`, except: [] };
  };
  for (let p = 0; p < count; p++) {
    const egress = p % 3 !== 2;
    const n = Math.min(perPolicy, cidrs - p * perPolicy);
    const peers = Array.from({ length: n }, () => {
      const c = cidr();
      return `    - ipBlock:\n        cidr: ${c.text}\n${c.except.length ? `        except: [${c.except.join(', ')}]\n` : ''}`;
    }).join('');
    const port = pick(r, [443, 8443, 5432, 9092]);
    policies.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allowlist-${p}\n  namespace: edge\nspec:\n  podSelector:\n    matchLabels:\n      app: "app-${p % apps}"\n` +
        `  policyTypes: [${egress ? 'Egress' : 'Ingress'}]\n  ${egress ? 'egress' : 'ingress'}:\n  - ${egress ? 'to' : 'from'}:\n${peers}    ports:\n    - port: ${port}\n      protocol: TCP\n`,
    );
  }
  // Bare pods with addresses inside some blocks: their classes depend on ipBlock membership.
  for (let i = 0; i < 20; i++) {
    docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe-${i}\n  namespace: edge\n  labels:\n    app: probe\nspec:\n  containers:\n  - name: main\n    image: probe\nstatus:\n  podIP: ${11 + i}.0.0.${1 + i}\n`);
  }
  return {
    files: [{ path: `ipblocks-${cidrs}-${seed}.yaml`, text: [...docs, ...policies].join('---\n') }],
    stats: { namespaces: 1, workloads: apps + 20, pods: 2 * apps + 20, policies: count, unprotectedNamespaces: 0 },
  };
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** One Deployment asking for `replicas` replicas (10^8 must not mean 10^8 pods in memory). */
export function generateReplicasCluster(replicas: number): GeneratedCluster {
  const text = workloadYaml('Deployment', 'default', 'huge', replicas, { app: 'huge', tier: 'web' }, TIER_PORTS.web) + '---\n' + workloadYaml('Deployment', 'default', 'small', 3, { app: 'small', tier: 'api' }, TIER_PORTS.api);
  return { files: [{ path: `replicas-${replicas}.yaml`, text }], stats: { namespaces: 1, workloads: 2, pods: replicas + 3, policies: 0, unprotectedNamespaces: 1 } };
}

/** A cluster by name: S, M, L, XL, a pod count, or open:N, open1:N (with one policy), ipblocks:N, replicas:N, admin:SIZE. */
export function generateByName(name: string, seed = 1): GeneratedCluster {
  const a = /^admin:(.+)$/.exec(name);
  if (a) return generateCluster(a[1]! in SIZES ? SIZES[a[1] as SizeName] : Number(a[1]), seed, { admin: true });
  const m = /^(open1?|ipblocks|replicas):(\d+)$/.exec(name);
  if (m) {
    const n = Number(m[2]);
    return m[1] === 'open' ? generateOpenCluster(n) : m[1] === 'open1' ? generateOpenCluster(n, true) : m[1] === 'ipblocks' ? generateIpBlockCluster(n, seed) : generateReplicasCluster(n);
  }
  return generateCluster(name in SIZES ? SIZES[name as SizeName] : Number(name), seed);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const g = generateByName(process.argv[2] ?? 'S', Number(process.argv[3] ?? 1));
  process.stdout.write(g.files[0]!.text);
  process.stderr.write(`${JSON.stringify(g.stats)}\n`);
}
