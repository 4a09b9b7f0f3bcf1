/** Workloads and pods: the pod template's labels, container ports, IPs and ownership. */
import type { ContainerPort, WorkloadKind } from '../../inventory/types.js';
import { parseProtocol } from '../../model/port-set.js';
import { type FieldReader, type Obj, isObj } from './fields.js';

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
function podTemplate(r: FieldReader, doc: Obj, kind: WorkloadKind): { meta: Obj | undefined; spec: Obj | undefined } {
  if (kind === 'Pod') return { meta: r.obj(doc, 'metadata', 'metadata'), spec: r.obj(doc, 'spec', 'spec') };
  const spec = r.obj(doc, 'spec', 'spec');
  if (!spec) return { meta: undefined, spec: undefined };
  let tmplParent: Obj | undefined = spec;
  let path = 'spec';
  if (kind === 'CronJob') {
    const jt = r.obj(spec, 'jobTemplate', 'spec.jobTemplate');
    tmplParent = jt ? r.obj(jt, 'spec', 'spec.jobTemplate.spec') : undefined;
    path = 'spec.jobTemplate.spec';
  }
  const tmpl = tmplParent ? r.obj(tmplParent, 'template', `${path}.template`) : undefined;
  if (!tmpl) return { meta: undefined, spec: undefined };
  return { meta: r.obj(tmpl, 'metadata', `${path}.template.metadata`), spec: r.obj(tmpl, 'spec', `${path}.template.spec`) };
}

function containerPorts(r: FieldReader, spec: Obj): ContainerPort[] {
  const out: ContainerPort[] = [];
  const groups: Array<[string, unknown[] | undefined]> = [
    ['containers', r.list(spec, 'containers', 'containers')],
    ['initContainers', r.list(spec, 'initContainers', 'initContainers')],
  ];
  for (const [key, list] of groups) {
    for (const c of list ?? []) {
      if (!isObj(c)) continue;
      // Init containers serve ports only as restartable sidecars.
      if (key === 'initContainers' && c['restartPolicy'] !== 'Always') continue;
      for (const p of r.list(c, 'ports', `${key}[].ports`) ?? []) {
        if (!isObj(p)) continue;
        const port = r.int(p, 'containerPort', 'containerPort');
        if (port === undefined || port < 1 || port > 65535) {
          r.problem(p, 'containerPort', 'bad-port', `containerPort: expected a port number 1-65535 but got ${JSON.stringify(p['containerPort'] ?? null)}`, 'warning');
          continue;
        }
        const protoText = r.str(p, 'protocol', 'protocol') ?? 'TCP';
        const protocol = parseProtocol(protoText);
        if (!protocol) {
          r.problem(p, 'protocol', 'bad-port', `container port protocol: expected TCP, UDP or SCTP but got "${protoText}"`, 'warning');
          continue;
        }
        const name = r.str(p, 'name', 'name');
        out.push({ ...(name ? { name } : {}), port, protocol });
      }
    }
  }
  return out;
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
  const labels = t.meta ? r.stringMap(t.meta, 'labels', 'labels') : {};
  const ports = t.spec ? containerPorts(r, t.spec) : [];
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
    hostNetwork: t.spec?.['hostNetwork'] === true,
    ...(typeof t.spec?.['nodeName'] === 'string' && t.spec['nodeName'] !== '' ? { nodeName: t.spec['nodeName'] } : {}),
    replicas,
    ...(controllerOwner(r, meta) ? { owner: controllerOwner(r, meta)! } : {}),
    line: r.at(doc).line,
  };
}
