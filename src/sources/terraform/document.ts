/**
 * A `terraform show -json` document (state or plan) as a list of resource instances with their values,
 * what the plan leaves unknown until apply (`after_unknown`), and the configuration's expressions, by which
 * references to values not yet known are followed.
 */
import type { Json } from '../aws/fields.js';

/** Which resources of the document are read: a state's, a plan's after-state, or a plan's prior state. */
export type TfSide = 'state' | 'planned' | 'prior';

export interface TfResource {
  /** The instance address, e.g. `module.net.aws_subnet.app[0]`. */
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  /** The module instance path (`module.net`), '' for the root module. */
  readonly module: string;
  readonly values: Json;
  /** The plan's `after_unknown` for this instance ({} when everything is known). */
  readonly unknown: Json;
  /** The JSON path of the resource object in the file. */
  readonly path: string;
  /** The resource object itself (for line numbers). */
  readonly o: Json;
}

/** One resource block of the configuration, with its expressions. */
export interface TfConfigResource {
  readonly expressions: Json;
  readonly providerKey?: string;
}

/** One module of the configuration: its resources, its calls and its outputs. */
export interface TfConfigModule {
  readonly resources: ReadonlyMap<string, TfConfigResource>;
  readonly calls: ReadonlyMap<string, { expressions: Json; module: TfConfigModule }>;
  readonly outputs: Json;
}

export interface TfDocument {
  readonly kind: 'state' | 'plan';
  readonly terraformVersion: string;
  readonly resources: readonly TfResource[];
  /** The root module of `configuration` (plans only). */
  readonly config?: TfConfigModule;
  /** `configuration.provider_config`: provider config key -> its region, when a constant. */
  readonly providerRegions: ReadonlyMap<string, string>;
  /** True when the side read is absent (a plan without prior state: nothing existed before). */
  readonly empty: boolean;
}

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True for the top level of `terraform show -json` output. */
export function isTerraformDoc(doc: Json): boolean {
  return typeof doc['format_version'] === 'string' && typeof doc['terraform_version'] === 'string'
    && ('values' in doc || 'planned_values' in doc || 'prior_state' in doc || 'resource_changes' in doc);
}

/** True when the text is `terraform show -json` output (cheap test first, as the other readers do). */
export function isTerraformText(text: string): boolean {
  const head = text.trimStart().slice(0, 4096);
  if (!head.startsWith('{') || !/"format_version"\s*:/.test(text.slice(0, 1 << 16)) && !/"terraform_version"\s*:/.test(head)) return false;
  try {
    const doc = JSON.parse(text) as unknown;
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && isTerraformDoc(doc as Json);
  } catch {
    return false;
  }
}

/** A plan document (it has `planned_values` or `resource_changes`), rather than a state. */
export function isTerraformPlan(doc: Json): boolean {
  return 'planned_values' in doc || 'resource_changes' in doc;
}

/** True when a Terraform text is a plan with a prior state (both sides of a change in one file). */
export function isTerraformPlanText(text: string): boolean {
  try {
    const doc = JSON.parse(text) as Json;
    return isTerraformDoc(doc) && isTerraformPlan(doc);
  } catch {
    return false;
  }
}

function walkModule(m: unknown, path: string, out: TfResource[], unknowns: ReadonlyMap<string, Json>, problems: string[]): void {
  if (!isObj(m)) return;
  const mod = typeof m['address'] === 'string' ? (m['address'] as string) : '';
  const rs = m['resources'];
  if (rs !== undefined && !Array.isArray(rs)) problems.push(`${path}.resources should be a list`);
  if (Array.isArray(rs)) {
    rs.forEach((r, i) => {
      const p = `${path}.resources[${i}]`;
      if (!isObj(r) || typeof r['address'] !== 'string' || typeof r['type'] !== 'string') {
        problems.push(`${p} is not a resource (no address or type)`);
        return;
      }
      const address = r['address'] as string;
      const index = typeof r['index'] === 'number' || typeof r['index'] === 'string' ? (r['index'] as number | string) : undefined;
      out.push({
        address, mode: typeof r['mode'] === 'string' ? (r['mode'] as string) : 'managed', type: r['type'] as string,
        name: typeof r['name'] === 'string' ? (r['name'] as string) : '', ...(index !== undefined ? { index } : {}), module: mod,
        values: isObj(r['values']) ? r['values'] : {}, unknown: unknowns.get(address) ?? {}, path: p, o: r,
      });
    });
  }
  const kids = m['child_modules'];
  if (Array.isArray(kids)) kids.forEach((k, i) => walkModule(k, `${path}.child_modules[${i}]`, out, unknowns, problems));
}

function configModule(m: unknown): TfConfigModule {
  const resources = new Map<string, TfConfigResource>();
  const calls = new Map<string, { expressions: Json; module: TfConfigModule }>();
  if (isObj(m)) {
    for (const r of Array.isArray(m['resources']) ? m['resources'] : []) {
      if (!isObj(r) || typeof r['address'] !== 'string') continue;
      const providerKey = typeof r['provider_config_key'] === 'string' ? (r['provider_config_key'] as string) : undefined;
      resources.set(r['address'] as string, { expressions: isObj(r['expressions']) ? r['expressions'] : {}, ...(providerKey ? { providerKey } : {}) });
    }
    if (isObj(m['module_calls'])) {
      for (const [name, c] of Object.entries(m['module_calls'])) {
        if (isObj(c)) calls.set(name, { expressions: isObj(c['expressions']) ? c['expressions'] : {}, module: configModule(c['module']) });
      }
    }
  }
  return { resources, calls, outputs: isObj(m) && isObj(m['outputs']) ? m['outputs'] : {} };
}

/**
 * The resources of one side of a document; `problems` collects structural faults (each a JSON path and
 * what is wrong) for the caller to report.
 */
export function readTerraformDocument(doc: Json, side: TfSide, problems: string[]): TfDocument {
  const plan = isTerraformPlan(doc);
  const resources: TfResource[] = [];
  const unknowns = new Map<string, Json>();
  if (plan && side === 'planned' && Array.isArray(doc['resource_changes'])) {
    for (const c of doc['resource_changes'] as unknown[]) {
      if (!isObj(c) || typeof c['address'] !== 'string' || !isObj(c['change'])) continue;
      const u = (c['change'] as Json)['after_unknown'];
      if (isObj(u)) unknowns.set(c['address'] as string, u);
    }
  }
  let root: unknown;
  let rootPath: string;
  if (side === 'planned') {
    root = isObj(doc['planned_values']) ? (doc['planned_values'] as Json)['root_module'] : undefined;
    rootPath = 'planned_values.root_module';
  } else if (side === 'prior') {
    const ps = doc['prior_state'];
    root = isObj(ps) && isObj(ps['values']) ? (ps['values'] as Json)['root_module'] : undefined;
    rootPath = 'prior_state.values.root_module';
  } else {
    root = isObj(doc['values']) ? (doc['values'] as Json)['root_module'] : undefined;
    rootPath = 'values.root_module';
  }
  if (root !== undefined && !isObj(root)) problems.push(`${rootPath} should be an object`);
  walkModule(root, rootPath, resources, unknowns, problems);
  const providerRegions = new Map<string, string>();
  const cfg = isObj(doc['configuration']) ? (doc['configuration'] as Json) : undefined;
  if (cfg && isObj(cfg['provider_config'])) {
    for (const [key, p] of Object.entries(cfg['provider_config'])) {
      const region = isObj(p) && isObj(p['expressions']) && isObj((p['expressions'] as Json)['region']) ? ((p['expressions'] as Json)['region'] as Json)['constant_value'] : undefined;
      if (typeof region === 'string') providerRegions.set(key, region);
    }
  }
  return {
    kind: plan ? 'plan' : 'state', terraformVersion: String(doc['terraform_version']), resources,
    ...(cfg && side === 'planned' ? { config: configModule(cfg['root_module']) } : {}), providerRegions, empty: root === undefined || root === null,
  };
}
