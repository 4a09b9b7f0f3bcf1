/** Compliance controls the checks map to, named once so every check cites them alike. */
import type { Control } from './types.js';

export const CIS_NETPOL_ALL_NAMESPACES: Control = { framework: 'CIS Kubernetes Benchmark', id: '5.3.2' };
/** Configuration standards for network security controls are defined, implemented and maintained. */
export const PCI_1_2_1: Control = { framework: 'PCI DSS v4.0', id: '1.2.1' };
/** All allowed services, protocols and ports are identified, approved and have a business need. */
export const PCI_1_2_5: Control = { framework: 'PCI DSS v4.0', id: '1.2.5' };
/** Network security control configurations are reviewed at least every six months. */
export const PCI_1_2_7: Control = { framework: 'PCI DSS v4.0', id: '1.2.7' };
/** Inbound traffic to the CDE is restricted to what is necessary; all else denied. */
export const PCI_1_3_1: Control = { framework: 'PCI DSS v4.0', id: '1.3.1' };
/** Outbound traffic from the CDE is restricted to what is necessary; all else denied. */
export const PCI_1_3_2: Control = { framework: 'PCI DSS v4.0', id: '1.3.2' };
/** Network security controls between trusted and untrusted networks. */
export const PCI_1_4_1: Control = { framework: 'PCI DSS v4.0', id: '1.4.1' };
/** Inbound traffic from untrusted networks is restricted. */
export const PCI_1_4_2: Control = { framework: 'PCI DSS v4.0', id: '1.4.2' };
export const SOC2_CC6_6: Control = { framework: 'SOC 2', id: 'CC6.6' };
export const HIPAA_TRANSMISSION: Control = { framework: 'HIPAA', id: '164.312(e)(1)' };
export const NIST_SC_7: Control = { framework: 'NIST SP 800-53', id: 'SC-7' };
/** Deny by default, allow by exception. */
export const NIST_SC_7_5: Control = { framework: 'NIST SP 800-53', id: 'SC-7(5)' };
