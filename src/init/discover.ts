/**
 * `xirsa init --discover`: list the EKS clusters a profile can see and read the issuer, endpoint and CA from
 * DescribeCluster. The EKS client is passed in (the real `EKS` of @aws-sdk/client-eks fits this port), so the
 * logic is tested with a fake.
 */
import { AwsError, InputError } from "../errors.js";

export interface EksCluster {
  name?: string;
  arn?: string;
  endpoint?: string;
  certificateAuthority?: { data?: string };
  identity?: { oidc?: { issuer?: string } };
}

/** The two EKS calls init makes (a subset of the SDK's `EKS` client). */
export interface EksPort {
  listClusters(input: {
    nextToken?: string;
    maxResults?: number;
  }): Promise<{ clusters?: string[]; nextToken?: string }>;
  describeCluster(input: { name: string }): Promise<{ cluster?: EksCluster }>;
}

export interface DiscoveredCluster {
  name: string;
  accountId: string;
  region: string;
  endpoint?: string;
  caData?: string;
  issuer?: string;
}

/** Picks one of several cluster names (a menu on a terminal); undefined when it cannot ask. */
export type Chooser = (names: string[], side: string) => Promise<string | undefined>;

const MAX_PAGES = 100;

function awsFailure(what: string, profile: string, e: unknown): AwsError {
  const err = e as { name?: string; message?: string };
  const why = [err.name, err.message].filter(Boolean).join(": ") || String(e);
  return new AwsError(
    "init.discover",
    `${what} with profile ${profile} failed: ${why}`,
    `check the profile's credentials and region (aws eks list-clusters --profile ${profile}), or pass the values as flags without --discover`,
    { cause: e },
  );
}

export async function listClusterNames(eks: EksPort, profile: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let res: Awaited<ReturnType<EksPort["listClusters"]>>;
    try {
      res = await eks.listClusters(nextToken ? { nextToken, maxResults: 100 } : { maxResults: 100 });
    } catch (e) {
      throw awsFailure("listing EKS clusters", profile, e);
    }
    names.push(...(res.clusters ?? []));
    nextToken = res.nextToken;
    if (!nextToken) break;
  }
  return names.sort();
}

/** arn:<partition>:eks:<region>:<account>:cluster/<name> */
function parseClusterArn(arn: string | undefined): { region: string; accountId: string } | undefined {
  const m = arn ? /^arn:[a-z-]+:eks:([a-z0-9-]+):(\d{12}):cluster\/.+$/.exec(arn) : null;
  return m ? { region: m[1]!, accountId: m[2]! } : undefined;
}

export async function describeCluster(
  eks: EksPort,
  name: string,
  profile: string,
): Promise<DiscoveredCluster> {
  let cluster: EksCluster | undefined;
  try {
    cluster = (await eks.describeCluster({ name })).cluster;
  } catch (e) {
    throw awsFailure(`describing EKS cluster ${name}`, profile, e);
  }
  const where = parseClusterArn(cluster?.arn);
  if (!cluster || !where) {
    throw new AwsError(
      "init.discover",
      `DescribeCluster ${name} (profile ${profile}) returned no cluster ARN`,
    );
  }
  const out: DiscoveredCluster = { name: cluster.name ?? name, ...where };
  if (cluster.endpoint) out.endpoint = cluster.endpoint;
  if (cluster.certificateAuthority?.data) out.caData = cluster.certificateAuthority.data;
  if (cluster.identity?.oidc?.issuer) out.issuer = cluster.identity.oidc.issuer;
  return out;
}

/**
 * The cluster of one side: the one named, else the only one the profile sees, else the one chosen.
 * `flag` names the flag that selects it (for the error when it cannot be chosen).
 */
export async function discoverCluster(
  eks: EksPort,
  args: { profile: string; cluster?: string; side: string; flag: string; choose: Chooser },
): Promise<DiscoveredCluster> {
  if (args.cluster) return describeCluster(eks, args.cluster, args.profile);
  const names = await listClusterNames(eks, args.profile);
  if (names.length === 0) {
    throw new InputError(
      "init.discover",
      `profile ${args.profile} sees no EKS cluster for the ${args.side}`,
      `check its region, or pass ${args.flag}`,
    );
  }
  const name = names.length === 1 ? names[0] : await args.choose(names, args.side);
  if (!name) {
    throw new InputError(
      "init.discover",
      `profile ${args.profile} sees several EKS clusters (${names.join(", ")})`,
      `pick the ${args.side} with ${args.flag}`,
    );
  }
  return describeCluster(eks, name, args.profile);
}
