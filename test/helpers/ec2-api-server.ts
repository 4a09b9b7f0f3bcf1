/**
 * An EC2 endpoint for tests, on loopback with an ephemeral port, speaking the EC2 Query protocol the SDK
 * uses: form-encoded POSTs (`Action=DescribeVpcs&Version=2016-11-15&MaxResults=...&NextToken=...`), XML
 * answers, pages with `nextToken` when MaxResults is given (as EC2 does), EC2's error bodies with scripted
 * faults (throttling, expired or refused credentials, a refused action). The estate is describe-* JSON; every
 * request is logged with its region (from the SigV4 scope) and headers, so tests can assert what was asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ec2ErrorXml, ec2ResponseXml } from './ec2-xml.js';

type Obj = Record<string, unknown>;

/** Each snapshot key: the action that answers it, the output's list and, for keyed outputs, the request's id parameter. */
export const KEY_ACTIONS: Readonly<Record<string, { action: string; list: string; param?: string }>> = {
  Vpcs: { action: 'DescribeVpcs', list: 'Vpcs' },
  Subnets: { action: 'DescribeSubnets', list: 'Subnets' },
  RouteTables: { action: 'DescribeRouteTables', list: 'RouteTables' },
  SecurityGroups: { action: 'DescribeSecurityGroups', list: 'SecurityGroups' },
  NetworkAcls: { action: 'DescribeNetworkAcls', list: 'NetworkAcls' },
  NetworkInterfaces: { action: 'DescribeNetworkInterfaces', list: 'NetworkInterfaces' },
  Reservations: { action: 'DescribeInstances', list: 'Reservations' },
  InternetGateways: { action: 'DescribeInternetGateways', list: 'InternetGateways' },
  EgressOnlyInternetGateways: { action: 'DescribeEgressOnlyInternetGateways', list: 'EgressOnlyInternetGateways' },
  NatGateways: { action: 'DescribeNatGateways', list: 'NatGateways' },
  VpcPeeringConnections: { action: 'DescribeVpcPeeringConnections', list: 'VpcPeeringConnections' },
  VpcEndpoints: { action: 'DescribeVpcEndpoints', list: 'VpcEndpoints' },
  TransitGateways: { action: 'DescribeTransitGateways', list: 'TransitGateways' },
  TransitGatewayAttachments: { action: 'DescribeTransitGatewayAttachments', list: 'TransitGatewayAttachments' },
  TransitGatewayVpcAttachments: { action: 'DescribeTransitGatewayVpcAttachments', list: 'TransitGatewayVpcAttachments' },
  TransitGatewayRouteTables: { action: 'DescribeTransitGatewayRouteTables', list: 'TransitGatewayRouteTables' },
  PrefixLists: { action: 'DescribeManagedPrefixLists', list: 'PrefixLists' },
  TransitGatewayRouteTableRoutes: { action: 'SearchTransitGatewayRoutes', list: 'Routes', param: 'TransitGatewayRouteTableId' },
  TransitGatewayRouteTableAssociations: { action: 'GetTransitGatewayRouteTableAssociations', list: 'Associations', param: 'TransitGatewayRouteTableId' },
  TransitGatewayRouteTablePropagations: { action: 'GetTransitGatewayRouteTablePropagations', list: 'TransitGatewayRouteTablePropagations', param: 'TransitGatewayRouteTableId' },
  ManagedPrefixListEntries: { action: 'GetManagedPrefixListEntries', list: 'Entries', param: 'PrefixListId' },
};

/** describe-* JSON by region: `{ "us-east-1": { Vpcs: [...], TransitGatewayRouteTableRoutes: { id: [...] } } }`. */
export type Estate = Record<string, Obj>;

/** The estate of a snapshot directory laid out as `<account>/<region>/*.json`. */
export function estateOfDir(dir: string): Estate {
  const out: Estate = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.json')) {
        const region = /([a-z]{2}(?:-[a-z]+)+-\d+)[\\/][^\\/]+$/.exec(p)?.[1] ?? 'us-east-1';
        Object.assign((out[region] ??= {}), JSON.parse(readFileSync(p, 'utf8')) as Obj);
      }
    }
  };
  walk(dir);
  return out;
}

/** A scripted error: the next `times` requests for `action` (`*`: any) answer it. */
export interface Ec2Fault {
  readonly action: string;
  readonly code: string;
  readonly status: number;
  times: number;
  readonly message?: string;
}

export interface Ec2Request {
  readonly action: string;
  readonly region: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export class TestEc2Server {
  readonly requests: Ec2Request[] = [];
  private server: Server | undefined;
  private n = 0;

  /** `pageSize`: the most items a page holds when the client asks for pages. */
  /** `extra`: fields added to every answer of an action (`{SearchTransitGatewayRoutes: {AdditionalRoutesAvailable: true}}`). */
  constructor(private readonly estate: Estate, private readonly opts: { pageSize?: number; faults?: Ec2Fault[]; accessKeyId?: string; extra?: Record<string, Obj> } = {}) {}

  /** Listens on 127.0.0.1 (port 0); returns the endpoint URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const a = this.server.address();
    return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The actions requested, in order. */
  actions(): string[] {
    return this.requests.map((r) => r.action);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const auth = String(req.headers['authorization'] ?? '');
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/ec2\/aws4_request/.exec(auth);
      const action = params['Action'] ?? '';
      this.requests.push({ action, region: scope?.[2] ?? '', params, headers: req.headers, body });
      const id = `req-${++this.n}`;
      const send = (status: number, xml: string): void => {
        res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', date: new Date().toUTCString() });
        res.end(xml);
      };
      if (req.method !== 'POST' || params['Version'] !== '2016-11-15') return send(400, ec2ErrorXml('InvalidRequest', 'expected an EC2 Query POST', id));
      if (!scope || (this.opts.accessKeyId !== undefined && scope[1] !== this.opts.accessKeyId)) return send(401, ec2ErrorXml('AuthFailure', 'AWS was not able to validate the provided access credentials', id));
      const fault = (this.opts.faults ?? []).find((f) => f.times > 0 && (f.action === '*' || f.action === action));
      if (fault) {
        fault.times--;
        return send(fault.status, ec2ErrorXml(fault.code, fault.message ?? `${fault.code} for ${action}`, id));
      }
      const entry = Object.entries(KEY_ACTIONS).find(([, v]) => v.action === action);
      if (!entry) return send(400, ec2ErrorXml('InvalidAction', `The action ${action} is not valid for this web service.`, id));
      const [key, def] = entry;
      const data = this.estate[scope[2]!]?.[key];
      const all = ((def.param !== undefined ? (data as Record<string, Obj[]> | undefined)?.[params[def.param] ?? ''] : data) ?? []) as Obj[];
      const start = params['NextToken'] !== undefined ? Number(params['NextToken'].replace(/^page-/, '')) : 0;
      const max = params['MaxResults'] !== undefined ? Math.min(Number(params['MaxResults']), this.opts.pageSize ?? Infinity) : Infinity;
      const page = all.slice(start, start + max);
      const output: Obj = { [def.list]: page, ...this.opts.extra?.[action] };
      if (start + max < all.length) output['NextToken'] = `page-${start + max}`;
      send(200, ec2ResponseXml(action, output, id));
    });
  }
}
