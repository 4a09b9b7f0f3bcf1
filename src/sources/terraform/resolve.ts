/**
 * Values of a Terraform document, known or not: a value the plan knows only after apply is followed through
 * the configuration's `references` to the resource it names, whose id is then its known id or a stable
 * placeholder built from its address (`tf:aws_instance.db`), so references still meet.
 */
import type { Json } from '../aws/fields.js';
import type { TfConfigModule, TfConfigResource, TfDocument, TfResource } from './document.js';

/** The placeholder of a value not known until apply: `tf:<address>` for an id, `tf:<address>.<attribute>` otherwise. */
export function placeholder(address: string, attr = 'id'): string {
  return attr === 'id' ? `tf:${address}` : `tf:${address}.${attr}`;
}

/** True for a placeholder id. */
export function isPlaceholder(id: string): boolean {
  return id.startsWith('tf:');
}

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** "module.a[0].module.b" -> ["a", "b"] (instance keys dropped: the configuration has one block per call). */
function callPath(module: string): string[] {
  const out: string[] = [];
  const re = /module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?/g;
  for (let m = re.exec(module); m; m = re.exec(module)) out.push(m[1]!);
  return out;
}

/** The resource address without its instance key: `aws_subnet.app[0]` -> `aws_subnet.app`. */
function configAddressOf(r: TfResource): string {
  const local = r.module && r.address.startsWith(`${r.module}.`) ? r.address.slice(r.module.length + 1) : r.address;
  return local.replace(/\[[^\]]*\]$/, '');
}

/** A parsed reference: a resource (with its attribute), a variable, a module output, or something not followed. */
type Ref =
  | { kind: 'resource'; base: string; key?: string; attr: string }
  | { kind: 'var'; name: string }
  | { kind: 'module'; call: string; output: string }
  | { kind: 'other'; text: string };

function parseRef(s: string): Ref {
  let m = /^var\.([A-Za-z0-9_-]+)/.exec(s);
  if (m) return { kind: 'var', name: m[1]! };
  m = /^module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.([A-Za-z0-9_-]+)/.exec(s);
  if (m) return { kind: 'module', call: m[1]!, output: m[2]! };
  m = /^((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)(?:\[("[^"]*"|\d+)\])?(?:\.([a-z0-9_]+))?/.exec(s);
  if (m && !/^(?:count|each|local|path|terraform|self)\./.test(s)) {
    const key = m[2];
    return { kind: 'resource', base: m[1]!, ...(key !== undefined ? { key: key.startsWith('"') ? key.slice(1, -1) : key } : {}), attr: m[3] ?? 'id' };
  }
  return { kind: 'other', text: s };
}

/** Drops the shorter forms Terraform lists beside each reference (`aws_vpc.a.id` and `aws_vpc.a`). */
function distinctRefs(list: readonly string[]): Ref[] {
  const kept = list.filter((s) => !list.some((o) => o !== s && (o.startsWith(`${s}.`) || o.startsWith(`${s}[`))));
  return [...new Set(kept)].map(parseRef);
}

/** What a reference resolved to: the value (known or placeholder), or why it could not be followed. */
export type Resolved = { ok: true; value: string; placeholder: boolean } | { ok: false; why: string };

/** Follows references of a document's resources. */
export class Resolver {
  private readonly byAddress = new Map<string, TfResource>();
  private readonly byBase = new Map<string, TfResource[]>();

  constructor(private readonly doc: TfDocument) {
    for (const r of doc.resources) {
      this.byAddress.set(r.address, r);
      const base = r.address.replace(/\[[^\]]*\]$/, '');
      let l = this.byBase.get(base);
      if (!l) this.byBase.set(base, (l = []));
      l.push(r);
    }
  }

  /** The resource at an instance address. */
  resource(address: string): TfResource | undefined {
    return this.byAddress.get(address);
  }

  /** The configuration block of a resource instance, when the document has a configuration. */
  configOf(r: TfResource): TfConfigResource | undefined {
    const m = this.moduleConfig(callPath(r.module));
    return m?.resources.get(configAddressOf(r));
  }

  private moduleConfig(path: readonly string[]): TfConfigModule | undefined {
    let m = this.doc.config;
    for (const c of path) m = m?.calls.get(c)?.module;
    return m;
  }

  /** A resource's id: known, or its placeholder. */
  idOf(r: TfResource): string {
    const v = r.values['id'];
    return typeof v === 'string' && v !== '' ? v : placeholder(r.address);
  }

  /** A resource's attribute: known, or a placeholder named after it (`tf:aws_vpc.a.default_security_group_id`). */
  attrOf(r: TfResource, attr: string): { value: string; placeholder: boolean } {
    if (attr === 'id') {
      const id = this.idOf(r);
      return { value: id, placeholder: id === placeholder(r.address) && r.values['id'] !== id };
    }
    const v = r.values[attr];
    if (typeof v === 'string' && v !== '') return { value: v, placeholder: false };
    return { value: placeholder(r.address, attr), placeholder: true };
  }

  /** The references of an expression: `expressions.<attr>` or a nested block's (`ingress`, 0, `security_groups`). */
  references(r: TfResource, path: ReadonlyArray<string | number>): string[] | undefined {
    let e: unknown = this.configOf(r)?.expressions;
    for (const p of path) {
      if (e === undefined) return undefined;
      e = typeof p === 'number' ? (Array.isArray(e) ? e[p] : undefined) : isObj(e) ? e[p] : undefined;
    }
    if (!isObj(e)) return undefined;
    return Array.isArray(e['references']) ? (e['references'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  }

  /** How many blocks of a nested block type the configuration writes. */
  blockCount(r: TfResource, block: string): number {
    const e = this.configOf(r)?.expressions[block];
    return Array.isArray(e) ? e.length : 0;
  }

  /** Every value the references of an expression resolve to (a list attribute: one per reference). */
  resolveAll(r: TfResource, path: ReadonlyArray<string | number>): Resolved[] {
    const refs = this.references(r, path);
    if (refs === undefined) return [{ ok: false, why: 'the configuration does not say where it comes from' }];
    return this.follow(distinctRefs(refs), r.module, r.index, 0);
  }

  private follow(refs: readonly Ref[], module: string, index: number | string | undefined, depth: number): Resolved[] {
    const out: Resolved[] = [];
    for (const ref of refs) {
      if (depth > 8) {
        out.push({ ok: false, why: 'references nest too deeply' });
        continue;
      }
      if (ref.kind === 'resource') {
        const prefix = module ? `${module}.` : '';
        const base = `${prefix}${ref.base}`;
        const key = ref.key !== undefined ? (/^\d+$/.test(ref.key) ? ref.key : `"${ref.key}"`) : undefined;
        let target = key !== undefined ? this.byAddress.get(`${base}[${key}]`) : this.byAddress.get(base);
        if (!target) {
          const all = this.byBase.get(base) ?? [];
          const same = index !== undefined ? all.find((t) => t.index === index) : undefined;
          target = all.length === 1 ? all[0] : same;
          if (!target) {
            out.push({ ok: false, why: all.length > 1 ? `${ref.base} has ${all.length} instances and the reference does not say which` : `${ref.base} is not in the document` });
            continue;
          }
        }
        const a = this.attrOf(target, ref.attr);
        out.push({ ok: true, value: a.value, placeholder: a.placeholder });
      } else if (ref.kind === 'var') {
        const path = callPath(module);
        if (path.length === 0) {
          out.push({ ok: false, why: `it comes from the input variable ${ref.name}` });
          continue;
        }
        const parent = module.replace(/\.?module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?$/, '');
        const call = this.moduleConfig(path.slice(0, -1))?.calls.get(path[path.length - 1]!);
        const e = call?.expressions[ref.name];
        const list = isObj(e) && Array.isArray(e['references']) ? (e['references'] as string[]) : undefined;
        if (!list) out.push({ ok: false, why: `the module argument ${ref.name} is not a reference` });
        else out.push(...this.follow(distinctRefs(list), parent, undefined, depth + 1));
      } else if (ref.kind === 'module') {
        const path = [...callPath(module), ref.call];
        const o = this.moduleConfig(path)?.outputs[ref.output];
        const list = isObj(o) && isObj(o['expression']) && Array.isArray((o['expression'] as Json)['references']) ? ((o['expression'] as Json)['references'] as string[]) : undefined;
        if (!list) out.push({ ok: false, why: `the module output ${ref.call}.${ref.output} is not a reference` });
        else out.push(...this.follow(distinctRefs(list), `${module ? `${module}.` : ''}module.${ref.call}`, undefined, depth + 1));
      } else out.push({ ok: false, why: `${ref.text} is not followed` });
    }
    return out;
  }
}
