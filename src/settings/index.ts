/**
 * The settings file (bulkhead.settings.yaml): how to read the input, not what the architecture is
 * (that is the intent file). It says which custom resources create pods and with which labels, where the
 * cluster DNS listens, and whether the input is the whole cluster.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../inventory/types.js';
import { labelKeyError, labelValueError } from '../inventory/selector.js';
import { parsePortSpec, type PortSet } from '../model/port-set.js';
import { parseDocuments } from '../sources/k8s/yaml-documents.js';
import { SchemaReader, type FileProblem } from '../sources/schema-reader.js';
import { UserError } from '../util/errors.js';
import { onFirstUse, zod } from '../util/zod.js';

/** A custom resource whose objects an operator turns into pods (the pods are not in the input). */
export interface OperatorKind {
  /** API group of the custom resource, e.g. `monitoring.coreos.com`; undefined: any group. */
  readonly group?: string;
  readonly kind: string;
  /** Labels of the pods it creates; `{{name}}` stands for the object's name. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Dotted path in the object to more pod labels (e.g. `spec.podMetadata.labels`). */
  readonly podLabelsFrom?: string;
  /** Ports the pods declare (`name` optional), e.g. Prometheus's web port. */
  readonly ports: readonly { readonly name?: string; readonly spec: string; readonly ports: PortSet }[];
  /** Where the definition came from: a settings file line, or the built-in list. */
  readonly origin: string;
}

export interface Settings {
  /** The file read, when any. */
  readonly file?: string;
  /** Operator kinds declared by the user (the built-in ones are added by the source). */
  readonly operators: readonly OperatorKind[];
  /** The cluster DNS ports, when the DNS pods in the input do not declare them. */
  readonly dnsPorts?: PortSet;
  /** The input is the whole cluster: a selector matching nothing in it matches nothing at all. */
  readonly wholeCluster: boolean;
  /** Defaults for `bulkhead audit`, so that CI jobs need not repeat flags (the command line wins). */
  readonly audit?: AuditSettings;
}

export interface AuditSettings {
  /** Check ids not to run (added to --disable). */
  readonly disable?: readonly string[];
  /** The --fail-on severity. */
  readonly failOn?: 'error' | 'warning' | 'info' | 'none';
  /** The --baseline file, resolved against the settings file's folder. */
  readonly baseline?: string;
  /** Where the section is, for messages about its values. */
  readonly origin: string;
}

/** The settings when there is no settings file. */
export const DEFAULT_SETTINGS: Settings = { operators: [], wholeCluster: false };

/** The names looked for beside the inputs and in the working directory. */
export const SETTINGS_NAMES = ['bulkhead.settings.yaml', 'bulkhead.settings.yml'];

/** A bad settings file: exit 2, every problem listed as `file:line: path: message`. */
export class SettingsError extends UserError {
  constructor(readonly problems: readonly FileProblem[]) {
    super(
      `invalid settings file:\n${problems.map((p) => `  ${p.source.file}:${p.source.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n')}`,
      'see docs/settings.md for the format of bulkhead.settings.yaml',
    );
    this.name = 'SettingsError';
  }
}

/** The settings file's shape (made on first use: see util/zod.ts). */
const settingsSchema = onFirstUse(() => {
  const z = zod();
  const portList = z.array(z.union([z.string(), z.number()]), { error: 'expected a list of ports such as [UDP/53, TCP/53]' });
  const operatorSchema = z.strictObject(
    {
      apiVersion: z.string().min(1).optional(),
      kind: z.string().min(1, { error: 'expected the custom resource kind' }),
      podLabels: z.record(z.string(), z.string(), { error: 'expected a mapping of label keys to string values' }),
      podLabelsFrom: z.string().min(1).optional(),
      ports: z.array(z.union([z.string(), z.strictObject({ name: z.string().min(1).optional(), port: z.union([z.string(), z.number()]) })])).optional(),
    },
    { error: 'expected {kind: KIND, apiVersion: GROUP/VERSION, podLabels: {...}}' },
  );
  const fileSchema = z.strictObject(
    {
      version: z.literal(1, { error: 'expected version: 1' }).optional(),
      input: z.strictObject({ wholeCluster: z.boolean({ error: 'expected true or false' }).optional() }, { error: 'expected a mapping (wholeCluster)' }).optional(),
      operators: z.array(operatorSchema, { error: 'expected a list of operator kinds' }).optional(),
      dns: z.strictObject({ ports: portList }, { error: 'expected {ports: [UDP/53, TCP/53]}' }).optional(),
      audit: z
        .strictObject(
          {
            disable: z.array(z.string().min(1), { error: 'expected a list of check ids' }).optional(),
            failOn: z.enum(['error', 'warning', 'info', 'none'], { error: 'expected error, warning, info or none' }).optional(),
            baseline: z.string().min(1, { error: 'expected the path of a baseline file' }).optional(),
          },
          { error: 'expected a mapping (disable, failOn, baseline)' },
        )
        .optional(),
    },
    { error: 'expected a mapping with input, operators, dns and audit' },
  );
  return fileSchema;
});

function ports(r: SchemaReader, specs: readonly (string | number)[], path: readonly (string | number)[]): PortSet | undefined {
  let s: PortSet | undefined;
  specs.forEach((spec, i) => {
    const p = parsePortSpec(String(spec));
    if (!p) r.problem([...path, i], `bad port "${spec}": expected PROTOCOL/PORT such as UDP/53`);
    else s = s ? s.union(p) : p;
  });
  return s;
}

/** Parses a settings file's text; throws SettingsError listing every problem. */
export function parseSettings(text: string, file = 'bulkhead.settings.yaml'): Settings {
  const diags: Diagnostic[] = [];
  const { docs, lines } = parseDocuments(file, text, diags);
  const syntax = diags.filter((d) => d.severity === 'error');
  if (syntax.length > 0) throw new SettingsError(syntax.map((d) => ({ source: d.source ?? { file, line: 1 }, path: '', message: d.message })));
  if (docs.length === 0) return { ...DEFAULT_SETTINGS, file };
  if (docs.length > 1) throw new SettingsError([{ source: docs[1]!.source, path: '', message: 'expected one YAML document, found several' }]);
  const root = docs[0]!.value;
  const r = new SchemaReader(file, lines, root);
  const top = r.check(settingsSchema(), root, []);
  if (!top) throw new SettingsError(r.problems);
  const operators: OperatorKind[] = [];
  (top.operators ?? []).forEach((o, i) => {
    const path = ['operators', i];
    for (const [k, v] of Object.entries(o.podLabels)) {
      const ke = labelKeyError(k);
      if (ke) r.problem([...path, 'podLabels', k], `bad label key "${k}": ${ke}`);
      const ve = v.includes('{{') ? undefined : labelValueError(v);
      if (ve) r.problem([...path, 'podLabels', k], `bad label value "${v}": ${ve}`);
    }
    const declared = (o.ports ?? []).flatMap((p, j) => {
      const spec = typeof p === 'string' ? p : String(p.port);
      const set = ports(r, [spec], [...path, 'ports', j]);
      return set ? [{ ...(typeof p === 'object' && p.name ? { name: p.name } : {}), spec, ports: set }] : [];
    });
    const group = o.apiVersion?.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : o.apiVersion;
    operators.push({
      ...(group ? { group } : {}),
      kind: o.kind,
      podLabels: o.podLabels,
      ...(o.podLabelsFrom ? { podLabelsFrom: o.podLabelsFrom } : {}),
      ports: declared,
      origin: `${file}:${r.at(path).line}`,
    });
  });
  const dnsPorts = top.dns ? ports(r, top.dns.ports, ['dns', 'ports']) : undefined;
  if (r.problems.length > 0) throw new SettingsError(r.problems);
  const a = top.audit;
  const audit: AuditSettings | undefined = a
    ? {
        ...(a.disable ? { disable: a.disable } : {}),
        ...(a.failOn ? { failOn: a.failOn } : {}),
        ...(a.baseline ? { baseline: isAbsolute(a.baseline) ? a.baseline : join(dirname(file), a.baseline) } : {}),
        origin: `${file}:${r.at(['audit']).line}`,
      }
    : undefined;
  return { file, operators, ...(dnsPorts ? { dnsPorts } : {}), wholeCluster: top.input?.wholeCluster ?? false, ...(audit ? { audit } : {}) };
}

/** Reads a settings file from disk (exit 2 when unreadable or invalid). */
export function readSettingsFile(path: string): Settings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read settings file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseSettings(text, path);
}
