export { Analysis, analyze } from './analysis.js';
export type { Target, CompiledRule } from './k8s/network-policy-layer.js';
export type { ExternalBlock } from './k8s/external-blocks.js';
