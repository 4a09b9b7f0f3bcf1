/** The contract of one Terraform resource type's reader. */
import type { TfResource } from './document.js';
import type { TfReader } from './reader.js';

export interface TfResourceReader {
  /** The resource types it reads (`aws_security_group`, ...). */
  readonly types: readonly string[];
  /** 1: read first (VPCs, subnets, prefix lists: what others look up); 2: the rest. */
  readonly phase: 1 | 2;
  /** Reads one instance into the parts; problems become diagnostics, never exceptions. */
  read(res: TfResource, t: TfReader): void;
}
