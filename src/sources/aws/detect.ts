/**
 * Telling AWS input from Kubernetes manifests among the files the CLI reads: a JSON object whose top-level
 * keys are describe-* outputs (`Vpcs`, `SecurityGroups`, ...), np-guard's collector file or `terraform show -json`
 * output is AWS; anything else stays a manifest.
 */
// Only the keys and the Terraform test: the readers load when a file is AWS input (see cli/aws-inputs.ts).
import { DESCRIBE_KEYS, isCollectorDoc } from './keys.js';
import { isTerraformText } from '../terraform/document.js';

/** The AWS format of a file's text, or undefined when it is not AWS input. */
export function awsFormatOf(text: string): 'describe' | 'collector' | 'terraform' | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{')) return undefined;
  // `terraform show -json` output: format_version, terraform_version and values or planned_values.
  if (/"terraform_version"\s*:/.test(t) && isTerraformText(t)) return 'terraform';
  // Cheap gate before parsing: a manifest names its apiVersion; describe-* output names a known key.
  if (!/"(?:[A-Z][A-Za-z]+|provider)"\s*:/.test(t.slice(0, 4096)) && !/"provider"\s*:\s*"aws"/.test(t)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const keys = Object.keys(doc);
  if (keys.includes('apiVersion') || keys.includes('kind')) return undefined;
  if (isCollectorDoc(doc as Record<string, unknown>)) return 'collector';
  return keys.some((k) => DESCRIBE_KEYS.has(k)) ? 'describe' : undefined;
}
