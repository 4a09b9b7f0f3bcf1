/** Workloads and pods: the pod template's labels, container ports, IPs and ownership. */
import type { ContainerPort, WorkloadKind } from '../../inventory/types.js';
import { parseProtocol } from '../../model/port-set.js';
import { type FieldReader, type Obj, isObj } from './fields.js';
import { CONTAINER, CONTAINER_PORT, JOB_TEMPLATE, OBJECT_META, POD_SPEC, POD_TEMPLATE, WORKLOAD_SPEC } from './known-fields.js';

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

export interface RawWorkload {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ports: ContainerPort[];
  readonly ips: string[];
  readonly hostNetwork: boolean;
  /** spec.nodeName, when a non-empty string. */
  readonly nodeName?: string;
  readonly replicas: number;
  readonly owner?: OwnerRef;
  readonly line: number;
}

/** Where the pod template sits in each workload kind. */
function podTemplate(r: FieldReader, doc: Obj, kind: WorkloadKind): { meta: Obj | undefined; spec: Obj | undefined; path: string } {
  if (kind === 'Pod') return { meta: r.obj(doc, 'metadata', 'metadata'), spec: r.obj(doc, 'spec', 'spec'), path: 'spec' };
  const spec = r.obj(doc, 'spec', 'spec');
  if (!spec) return { meta: undefined, spec: undefined, path: 'spec' };
  r.known(spec, WORKLOAD_SPEC[kind]!, 'spec');
  let tmplParent: Obj | undefined = spec;
  let path = 'spec';
  if (kind === 'CronJob') {
    const jt = r.obj(spec, 'jobTemplate', 'spec.jobTemplate');
    if (jt) r.known(jt, JOB_TEMPLATE, 'spec.jobTemplate');
    const jtMeta = jt ? r.obj(jt, 'metadata', 'spec.jobTemplate.metadata') : undefined;
    if (jtMeta) r.known(jtMeta, OBJECT_META, 'spec.jobTemplate.metadata');
    tmplParent = jt ? r.obj(jt, 'spec', 'spec.jobTemplate.spec') : undefined;
    if (tmplParent) r.known(tmplParent, WORKLOAD_SPEC['Job']!, 'spec.jobTemplate.spec');
    path = 'spec.jobTemplate.spec';
  }
  const tmpl = tmplParent ? r.obj(tmplParent, 'template', `${path}.template`) : undefined;
  if (!tmpl) return { meta: undefined, spec: undefined, path };
  r.known(tmpl, POD_TEMPLATE, `${path}.template`);
  const meta = r.obj(tmpl, 'metadata', `${path}.template.metadata`);
  if (meta) r.known(meta, OBJECT_META, `${path}.template.metadata`);
  return { meta, spec: r.obj(tmpl, 'spec', `${path}.template.spec`), path: `${path}.template.spec` };
}

function containerPorts(r: FieldReader, spec: Obj, specPath: string): ContainerPort[] {
  const out: ContainerPort[] = [];
  const groups: Array<[string, unknown[] | undefined]> = [
    ['containers', r.list(spec, 'containers', `${specPath}.containers`)],
    ['initContainers', r.list(spec, 'initContainers', `${specPath}.initContainers`)],
    ['ephemeralContainers', r.list(spec, 'ephemeralContainers', `${specPath}.ephemeralContainers`)],
  ];
  for (const [key, list] of groups) {
    (list ?? []).forEach((c, i) => {
      const cp = `${specPath}.${key}[${i}]`;
      if (!isObj(c)) return r.problem(list, undefined, 'bad-field', `${cp}: expected a mapping`);
      r.known(c, CONTAINER, cp);
      // Init containers serve ports only as restartable sidecars; ephemeral containers never do.
      const serves = key === 'containers' || (key === 'initContainers' && c['restartPolicy'] === 'Always');
      const ports = r.list(c, 'ports', `${cp}.ports`) ?? [];
      ports.forEach((p, j) => {
        const pp = `${cp}.ports[${j}]`;
        if (!isObj(p)) return r.problem(ports, undefined, 'bad-port', `${pp}: expected a mapping`);
        r.known(p, CONTAINER_PORT, pp);
        const port = r.int(p, 'containerPort', `${pp}.containerPort`);
        if (port === undefined || port < 1 || port > 65535) {
          if (port !== undefined || p['containerPort'] === undefined || p['containerPort'] === null) {
            r.problem(p, 'containerPort', 'bad-port', `${pp}.containerPort: expected a port number 1-65535 but got ${JSON.stringify(p['containerPort'] ?? null)}`);
          }
          return;
        }
        const protoText = r.str(p, 'protocol', `${pp}.protocol`) ?? 'TCP';
        const protocol = parseProtocol(protoText);
        if (!protocol || protocol !== protoText) {
          return r.problem(p, 'protocol', 'bad-port', `${pp}.protocol: expected TCP, UDP or SCTP but got "${protoText}"`);
        }
        const name = r.str(p, 'name', `${pp}.name`);
        if (serves) out.push({ ...(name ? { name } : {}), port, protocol });
      });
    });
  }
  return out;
}

function bool(r: FieldReader, o: Obj, key: string, path: string): boolean {
  const v = o[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') {
    r.problem(o, key, 'bad-field', `${path}: expected true or false but got ${JSON.stringify(v)}; the API server rejects it`);
    return false;
  }
  return v;
}

function controllerOwner(r: FieldReader, meta: Obj | undefined): OwnerRef | undefined {
  const refs = meta ? r.list(meta, 'ownerReferences', 'metadata.ownerReferences') : undefined;
  if (!refs) return undefined;
  const objs = refs.filter(isObj);
  const ctl = objs.find((o) => o['controller'] === true) ?? objs[0];
  if (!ctl) return undefined;
  if (typeof ctl['kind'] !== 'string' || typeof ctl['name'] !== 'string') {
    r.problem(ctl, undefined, 'bad-owner', 'metadata.ownerReferences: an owner without kind or name is ignored; the pod is its own workload', 'warning');
    return undefined;
  }
  return { kind: ctl['kind'], name: ctl['name'] };
}

/** Reads one workload object (any kind with a pod template, or a Pod). */
export function parseWorkload(r: FieldReader, doc: Obj, kind: WorkloadKind, namespace: string, name: string): RawWorkload {
  const meta = r.obj(doc, 'metadata', 'metadata');
  const t = podTemplate(r, doc, kind);
  const labels = t.meta ? r.stringMap(t.meta, 'labels', kind === 'Pod' ? 'metadata.labels' : `${t.path.slice(0, -'.spec'.length)}.metadata.labels`) : {};
  if (t.spec) r.known(t.spec, POD_SPEC, t.path);
  const ports = t.spec ? containerPorts(r, t.spec, t.path) : [];
  const hostNetwork = t.spec ? bool(r, t.spec, 'hostNetwork', `${t.path}.hostNetwork`) : false;
  if (!t.spec) r.problem(doc, 'spec', 'no-pod-template', `${kind} has no pod template: analysed with no labels and no ports`, 'warning');
  const ips: string[] = [];
  if (kind === 'Pod') {
    const status = r.obj(doc, 'status', 'status');
    if (status) {
      for (const p of r.list(status, 'podIPs', 'status.podIPs') ?? []) if (isObj(p) && typeof p['ip'] === 'string') ips.push(p['ip']);
      const one = r.str(status, 'podIP', 'status.podIP');
      if (one && !ips.includes(one)) ips.unshift(one);
    }
  }
  const spec = r.obj(doc, 'spec', 'spec');
  let replicas = 1;
  if (spec && (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet' || kind === 'ReplicationController')) {
    replicas = r.int(spec, 'replicas', 'spec.replicas') ?? 1;
  }
  return {
    kind,
    namespace,
    name,
    labels,
    ports,
    ips,
    hostNetwork,
    ...(typeof t.spec?.['nodeName'] === 'string' && t.spec['nodeName'] !== '' ? { nodeName: t.spec['nodeName'] } : {}),
    replicas,
    ...(controllerOwner(r, meta) ? { owner: controllerOwner(r, meta)! } : {}),
    line: r.at(doc).line,
  };
}
