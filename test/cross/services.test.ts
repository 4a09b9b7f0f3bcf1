/**
 * NodePort and LoadBalancer Services on the cross-layer path (examples/eks with Services added): an AWS source
 * reaches a node's address on a nodePort, kube-proxy forwards to the endpoint pods on the targetPort, and
 * NetworkPolicy judges the source it sees: the receiving node's address with externalTrafficPolicy Cluster,
 * the client's with Local.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { parseService } from '../../src/sources/k8s/parse-service.js';

const REGION = '123456789012/us-east-1';
const LB = `${REGION}/vpc-eks/eni-lb[lb]`;

type Json = Record<string, any>;

/** examples/eks copied, with `yaml` appended to its manifests and `edit` applied to its snapshot files. */
function estate(yaml: string, edit: (files: Record<string, Json>) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-svc-'));
  cpSync(join(REPO_ROOT, 'examples/eks'), dir, { recursive: true });
  appendFileSync(join(dir, 'cluster.yaml'), yaml);
  const names = ['security-groups', 'network-interfaces', 'route-tables'];
  const files: Record<string, Json> = {};
  for (const n of names) files[n] = JSON.parse(readFileSync(join(dir, REGION, `${n}.json`), 'utf8'));
  edit(files);
  for (const n of names) writeFileSync(join(dir, REGION, `${n}.json`), JSON.stringify(files[n], null, 2));
  return dir;
}

/** sg-nodes admits `port` from the load balancer's group (as the AWS Load Balancer Controller sets it up). */
const fromLb = (port: number) => (f: Record<string, Json>): void => {
  f['security-groups']!['SecurityGroups'][0].IpPermissions.push({ IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: 'sg-lb', UserId: '123456789012' }] });
};

const appService = (policy: string): string => `---
apiVersion: v1
kind: Service
metadata:
  name: app
  namespace: shop
spec:
  type: NodePort
  externalTrafficPolicy: ${policy}
  selector:
    app: app
  ports:
    - port: 80
      targetPort: 8080
      nodePort: 30080
`;

const crossLines = (out: string): string[] => out.slice(out.indexOf('== Across cloud and cluster ==')).split('\n').filter((l) => l.includes(' => '));

test('Cluster: the pod sees the receiving node as the source, so an ipBlock for the load balancer subnet does not admit it', () => {
  const dir = estate(appService('Cluster'), fromLb(30080));
  const r = runCli(['reach', dir, '--to', 'shop/app', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(crossLines(r.stdout).includes(`${LB} => shop/app[Deployment] : TCP 8080 (through NodePort Service shop/app TCP 30080->8080: AWS allows TCP 30080; Kubernetes blocks it)`), r.stdout);
  const x = runCli(['explain', dir, '--from', 'lb', '--to', 'shop/app', '--port', 'TCP/30080', '-q']);
  assert.equal(x.code, 0, x.stderr);
  assert.match(x.stdout, /^DENIED: /);
  // The pod's address belongs to the destination of an ingress path (it was printed beside the source).
  assert.match(x.stdout, /2\. AWS \(123456789012\/us-east-1\/vpc-eks\/eni-lb => 123456789012\/us-east-1\/vpc-eks\/eni-node-a as 10\.0\.1\.10\):/);
  assert.match(x.stdout, /3\. Through NodePort Service shop\/app TCP 30080->8080 \(.*cluster\.yaml:151\), externalTrafficPolicy Cluster: nothing passes/);
  assert.match(x.stdout, /Received on node ip-10-0-1-10\.ec2\.internal \(i-node-a\) at eni-node-a 10\.0\.1\.10, TCP 30080: AWS lets it through/);
  assert.match(x.stdout, /sg-ingress +partial sg-nodes allow TCP 8080,30080 from 10\.0\.0\.10/);
  assert.match(x.stdout, /kube-proxy forwards TCP 30080 to the pod's port 8080/);
  assert.match(x.stdout, /NetworkPolicy sees the source as node ip-10-0-1-10\.ec2\.internal's primary address 10\.0\.1\.10 \(externalTrafficPolicy Cluster: kube-proxy SNATs to the receiving node\): it blocks TCP 8080/);
  assert.match(x.stdout, /10\.0\.1\.10 => shop\/app-0 on TCP 8080: DENIED/);
  // The Kubernetes layer still leaves the Service out; the note says what reads it.
  assert.match(runCli(['reach', dir, '-o', 'json']).stdout, /Service app does not affect NetworkPolicy reachability \(service discovery, configuration and storage do not allow or deny connections\): read for the answers across cloud and cluster only \(its nodePorts\)/);
  const services = readFileSync(join(dir, 'cluster.yaml'), 'utf8').split('\n');
  assert.equal(services[150], 'apiVersion: v1', 'cluster.yaml:151 is where the Service begins');
});

test('Local: the client address is kept, the policy admits it, and only the nodes the pod may run on answer', () => {
  const dir = estate(appService('Local'), fromLb(30080));
  const r = runCli(['reach', dir, '--to', 'shop/app', '-q']);
  assert.ok(crossLines(r.stdout).includes(`${LB} => shop/app[Deployment] : TCP 8080,30080 via NodePort Service shop/app TCP 30080->8080`), r.stdout);
  const j = JSON.parse(runCli(['explain', dir, '--from', 'lb', '--to', 'shop/app', '--port', 'TCP/30080', '-o', 'json', '-q']).stdout);
  assert.equal(j.verdict, 'allowed');
  assert.deepEqual(j.conns, { TCP: [[30080, 30080]] });
  const s = j.services[0];
  assert.equal(s.service, 'shop/app');
  assert.equal(s.externalTrafficPolicy, 'Local');
  assert.equal(s.seenSource, '10.0.0.10');
  assert.equal(s.nodePort, 30080);
  assert.equal(s.targetPort, 8080);
  assert.equal(s.kubernetesAllows, true);
  assert.match(s.source, /cluster\.yaml:151$/);
  // The app pods have no placement: both nodes may run them, so both answer.
  assert.deepEqual(s.otherNodes.map((o: Json) => o.node), ['ip-10-0-1-20.ec2.internal']);
  const rj = JSON.parse(runCli(['reach', dir, '--to', 'shop/app', '-o', 'json', '-q']).stdout);
  const c = rj.cross.connections.find((x: Json) => x.src.endsWith('eni-lb'));
  assert.deepEqual(c.via, [{ route: 'NodePort Service shop/app TCP 30080->8080', conns: { TCP: [[30080, 30080]] }, kubernetes: { TCP: [[30080, 30080]] }, aws: { TCP: [[30080, 30080]] } }]);
});

test('Local with a pod placed on one node: the other node does not answer', () => {
  // batch runs on node b (its IP is a secondary address of eni-node-b): only node b forwards to it.
  const yaml = `---
apiVersion: v1
kind: Service
metadata:
  name: batch
  namespace: shop
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector:
    app: batch
  ports:
    - port: 9000
      nodePort: 30900
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: batch-from-lb
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: batch
  policyTypes: [Ingress]
  ingress:
    - from:
        - ipBlock:
            cidr: 10.0.0.0/24
`;
  const dir = estate(yaml, fromLb(30900));
  const j = JSON.parse(runCli(['explain', dir, '--from', 'lb', '--to', 'shop/batch', '--port', 'TCP/30900', '-o', 'json', '-q']).stdout);
  assert.equal(j.verdict, 'allowed');
  assert.equal(j.services[0].node.name, 'ip-10-0-1-20.ec2.internal');
  assert.deepEqual(j.services[0].otherNodes, []);
  assert.equal(j.services[0].targetPort, 9000, 'targetPort defaults to port');
});

test('the internet through a LoadBalancer Service nodePort, a named targetPort per pod, and the caveats in every format', () => {
  const yaml = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: shop/web:1
          ports:
            - name: https
              containerPort: 8443
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-old
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
      gen: old
  template:
    metadata:
      labels:
        app: web
        gen: old
    spec:
      containers:
        - name: web
          image: shop/web:0
          ports:
            - containerPort: 8443
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-nodes
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
    - from:
        - ipBlock:
            cidr: 10.0.1.0/24
      ports:
        - port: 8443
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  selector:
    app: web
  ports:
    - name: https
      port: 443
      targetPort: https
      nodePort: 30443
    - name: admin
      port: 8081
`;
  const dir = estate(yaml, (f) => {
    // Node a gets a public address in a subnet routed to the internet gateway; its group admits 30443 from anywhere.
    const eni = f['network-interfaces']!['NetworkInterfaces'].find((e: Json) => e.NetworkInterfaceId === 'eni-node-a');
    eni.Association = { PublicIp: '54.0.0.20' };
    eni.PrivateIpAddresses[0].Association = { PublicIp: '54.0.0.20' };
    const rt = f['route-tables']!['RouteTables'];
    rt[0].Associations = rt[0].Associations.filter((a: Json) => a.SubnetId !== 'subnet-nodes');
    rt[1].Associations.push({ Main: false, SubnetId: 'subnet-nodes', RouteTableId: 'rtb-public' });
    f['security-groups']!['SecurityGroups'][0].IpPermissions.push({ IpProtocol: 'tcp', FromPort: 30443, ToPort: 30443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
  });
  const r = runCli(['reach', dir, '--to', 'shop/web*', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const lines = crossLines(r.stdout);
  const route = 'LoadBalancer Service shop/web TCP 30443->8443 (targetPort https)';
  assert.ok(lines.some((l) => l.startsWith('internet') && l.endsWith(`=> shop/web[Deployment] : TCP 30443 via ${route}`)), lines.join('\n'));
  // web-old declares no port named https: it is no endpoint of that port.
  assert.ok(!lines.some((l) => l.includes('shop/web-old') && l.includes('via')), lines.join('\n'));
  for (const format of ['text', 'json', 'md']) {
    // Markdown escapes its specials: the caveats are compared without the escapes.
    const out = runCli(['reach', dir, '--to', 'shop/web', '-o', format, '-q']).stdout.replace(/\\([*_\\\[\]])/g, '$1');
    assert.match(out, /load balancers of LoadBalancer Services \(listeners, their security groups, loadBalancerSourceRanges, which the cloud provider applies there\) are not in the EC2 describe-\* snapshot/, format);
    assert.match(out, /loadBalancerSourceRanges filter traffic to the load balancer, not to a nodePort reached directly, so they do not narrow these answers: shop\/web 203\.0\.113\.0\/24/, format);
    assert.match(out, /Service ports without a nodePort in the input .* shop\/web port 8081\/TCP/, format);
    assert.match(out, /the hop from the receiving node to a pod on another node \(the node security groups between nodes\) is not evaluated/, format);
    const x = runCli(['explain', dir, '--from', 'internet', '--to', 'shop/web', '-o', format, '-q']).stdout.replace(/\\([*_\\\[\]])/g, '$1');
    assert.match(x, /loadBalancerSourceRanges filter traffic to the load balancer/, format);
    if (format === 'json') assert.deepEqual([JSON.parse(x).services[0].targetPort, JSON.parse(x).services[0].targetPortName], [8443, 'https']);
    else assert.match(x, /kube-proxy forwards TCP 30443 to the pod's port 8443 \(targetPort https\)/, format);
  }
  const x = runCli(['explain', dir, '--from', 'internet', '--to', 'shop/web', '-q']).stdout;
  assert.match(x, /^ALLOWED: 8\.8\.8\.8 reaches shop\/web\[Deployment\] on TCP 30443/);
  assert.match(x, /at eni-node-a 10\.0\.1\.10 \(public 54\.0\.0\.20\), TCP 30443: AWS lets it through/);
  assert.match(x, /route +allow/);
});

test('parseService: defaults, IntOrString targetPort, type and policy', () => {
  const src = { file: 'f.yaml', line: 3 };
  const s = parseService({ spec: { type: 'NodePort', selector: { app: 'a' }, ports: [{ port: 80 }, { port: 81, targetPort: '8081', protocol: 'UDP', nodePort: 30081 }, { port: 82, targetPort: 'web' }, { port: 0 }] } }, 'ns', 'svc', src)!;
  assert.equal(s.id, 'ns/svc');
  assert.equal(s.externalTrafficPolicy, 'Cluster');
  assert.deepEqual(s.ports, [
    { protocol: 'TCP', port: 80, targetPort: 80 },
    { protocol: 'UDP', port: 81, targetPort: 8081, nodePort: 30081 },
    { protocol: 'TCP', port: 82, targetPort: 'web' },
  ]);
  assert.equal(parseService({ spec: { selector: {} } }, 'ns', 'x', src)!.selector, undefined, 'an empty selector selects nothing for a Service');
  assert.equal(parseService({ spec: { type: 'ClusterIP' } }, 'ns', 'x', src)!.type, 'ClusterIP');
  assert.equal(parseService({ spec: { type: 'Bogus' } }, 'ns', 'x', src), undefined);
  assert.equal(parseService({ spec: { externalTrafficPolicy: 'Local' } }, 'ns', 'x', src)!.externalTrafficPolicy, 'Local');
});
