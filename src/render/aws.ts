/**
 * The `aws/` part: per account, each role's trust policy and inline policy, the OIDC providers, and per EKS
 * cluster its access entries, in the shapes of DESIGN.md "Contracts".
 */
import type { AccessEntry, EksCluster, OidcProvider, State } from "../state/index.js";
import { jsonText, orderPolicy } from "./format.js";
import {
  accessEntriesPath,
  oidcProvidersPath,
  PERMISSIONS_POLICY_FILE,
  roleDir,
  TRUST_POLICY_FILE,
} from "./layout.js";

type Files = Map<string, string>;

/** The bundle's access entry shape: exactly the contract's keys, in its order. */
export function accessEntryJson(e: AccessEntry): unknown {
  return {
    principalArn: e.principalArn,
    type: e.type,
    kubernetesGroups: e.kubernetesGroups,
    accessPolicies: e.accessPolicies.map((p) => ({
      policyArn: p.policyArn,
      accessScope:
        p.accessScope.type === "namespace"
          ? { type: "namespace", namespaces: p.accessScope.namespaces }
          : { type: p.accessScope.type },
    })),
  };
}

export function oidcProviderJson(p: OidcProvider): unknown {
  return { url: p.url, clientIds: p.clientIds };
}

export function renderAws(state: State, clusterDir: (c: EksCluster) => string): Files {
  const files: Files = new Map();
  for (const role of state.roles) {
    const dir = roleDir(role.accountId, role.name);
    files.set(`${dir}/${TRUST_POLICY_FILE}`, jsonText(orderPolicy(role.trustPolicy)));
    const inline = Object.values(role.inlinePolicies);
    // The layout holds one inline policy per role: the topology makes exactly one.
    if (inline.length > 1)
      throw new Error(`role ${role.arn} has ${inline.length} inline policies; expected one`);
    if (inline[0]) files.set(`${dir}/${PERMISSIONS_POLICY_FILE}`, jsonText(orderPolicy(inline[0])));
  }
  const byAccount = new Map<string, OidcProvider[]>();
  for (const p of state.oidcProviders) byAccount.set(p.accountId, [...(byAccount.get(p.accountId) ?? []), p]);
  for (const [account, providers] of byAccount) {
    files.set(oidcProvidersPath(account), jsonText(providers.map(oidcProviderJson)));
  }
  for (const c of state.clusters) {
    if (c.accessEntries.length === 0) continue;
    files.set(accessEntriesPath(c.accountId, clusterDir(c)), jsonText(c.accessEntries.map(accessEntryJson)));
  }
  return files;
}
