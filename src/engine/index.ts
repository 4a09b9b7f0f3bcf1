export { Analysis, analyze, type AnalysisChanges } from './analysis.js';
export type { Target, CompiledRule } from './k8s/network-policy-layer.js';
export type { ExternalBlock } from './k8s/address-space.js';
export type { ReachMatrix } from './k8s/reach-matrix.js';
export { PortTable, NONE_ID, ALL_ID } from './port-table.js';
