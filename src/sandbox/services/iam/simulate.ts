/**
 * SimulatePrincipalPolicy / SimulateCustomPolicy answered by the project's evaluator (src/iam), so the sandbox
 * can be asked what AWS's policy simulator would say. Shapes from botocore iam/2010-05-08 (SimulatePolicyResponse,
 * EvaluationResult); rules from https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html:
 * ResourceArns defaults to `*`, a permissions boundary (the principal's, or PermissionsBoundaryPolicyInputList)
 * limits the result, ContextEntries supply condition keys. Not modelled: MissingContextValues, positions of
 * matched statements in the document text, Organizations SCPs.
 */

import type { ContextValue, Decision, NamedPolicy, RequestPrincipal } from "../../../iam/index.js";
import { authorize } from "../../../iam/index.js";
import { defaultDocument, findPolicy } from "../../authz.js";
import type { AwsState } from "../../model.js";
import { AwsApiError, validationError } from "../../protocol/errors.js";
import { list, optional, type Params } from "../../protocol/query.js";
import type { XmlValue } from "../../protocol/xml.js";

export interface Simulation {
  principal: RequestPrincipal;
  accountId: string;
  identity: NamedPolicy[];
  boundaries: NamedPolicy[];
  resourcePolicy?: NamedPolicy;
}

type EvalDecision = "allowed" | "explicitDeny" | "implicitDeny";

function parseDoc(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsApiError("MalformedPolicyDocument", `${what}: This policy contains invalid Json`);
  }
}

export function inputPolicies(p: Params, param: string, prefix: string): NamedPolicy[] {
  return (list(p, param) ?? []).map((text, i) => ({
    name: `${prefix}${i + 1}`,
    document: parseDoc(text, `${param}.member.${i + 1}`),
  }));
}

/** IAM's ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}. */
export function contextEntries(p: Params): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  for (let i = 1; ; i++) {
    const key = optional(p, `ContextEntries.member.${i}.ContextKeyName`);
    if (key === undefined) break;
    const values = list(p, `ContextEntries.member.${i}.ContextKeyValues`) ?? [];
    const type = optional(p, `ContextEntries.member.${i}.ContextKeyType`) ?? "string";
    const cast = (v: string): ContextValue =>
      type.startsWith("boolean") ? v === "true" : type.startsWith("numeric") ? Number(v) : v;
    out[key] = type.endsWith("List") ? (values.map(cast) as string[]) : cast(values[0] ?? "");
  }
  return out;
}

function decisionOf(d: Decision): EvalDecision {
  return d.decision === "Allowed"
    ? "allowed"
    : d.decision === "ExplicitlyDenied"
      ? "explicitDeny"
      : "implicitDeny";
}

function matched(d: Decision): XmlValue[] {
  const refs = d.decision === "Allowed" ? d.allowedBy : d.decision === "ExplicitlyDenied" ? [d.deniedBy] : [];
  return refs.map((r) => ({
    SourcePolicyId: r.policy,
    SourcePolicyType: r.policy.startsWith("resource")
      ? "resource"
      : r.policy.startsWith("boundary")
        ? "none"
        : "user",
  }));
}

/** One EvaluationResult per action × resource, in the order asked. */
export function simulate(
  sim: Simulation,
  actions: string[],
  resources: string[],
  context: Record<string, ContextValue>,
): XmlValue[] {
  const out: XmlValue[] = [];
  for (const action of actions) {
    for (const resource of resources) {
      const request = { principal: sim.principal, action, resource, context };
      const d = authorize({
        request,
        identityPolicies: sim.identity,
        ...(sim.resourcePolicy ? { resourcePolicy: sim.resourcePolicy } : {}),
        resourceAccount: sim.accountId,
      });
      let decision = decisionOf(d);
      let boundaryDetail: XmlValue;
      if (sim.boundaries.length) {
        const b = authorize({
          request,
          identityPolicies: sim.boundaries,
          resourceAccount: sim.accountId,
          limit: true,
        });
        const allowedByBoundary = b.decision === "Allowed";
        boundaryDetail = { AllowedByPermissionsBoundary: allowedByBoundary };
        if (decision === "allowed" && !allowedByBoundary)
          decision = b.decision === "ExplicitlyDenied" ? "explicitDeny" : "implicitDeny";
      }
      out.push({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decision,
        MatchedStatements: matched(d),
        MissingContextValues: [],
        ...(boundaryDetail !== undefined ? { PermissionsBoundaryDecisionDetail: boundaryDetail } : {}),
      });
    }
  }
  return out;
}

export function actionNames(p: Params): string[] {
  const actions = list(p, "ActionNames");
  if (!actions?.length) throw validationError(undefined, "actionNames", "Member must not be null");
  return actions;
}

export function resourceArns(p: Params): string[] {
  const r = list(p, "ResourceArns");
  return r?.length ? r : ["*"];
}

/** The policies IAM simulates for a role or user of the sandbox (PolicySourceArn). */
export function principalSimulation(
  s: AwsState,
  callerAccount: string,
  arn: string,
): Omit<Simulation, "resourcePolicy"> | undefined {
  const role = s.roles.find((r) => r.arn === arn && r.accountId === callerAccount);
  if (role) {
    const attached = role.attached.flatMap((a) => {
      const pol = findPolicy(s, a);
      return pol ? [{ name: `user:${a}`, document: JSON.parse(defaultDocument(pol)) }] : [];
    });
    const inline = Object.entries(role.inline).map(([n, d]) => ({
      name: `user:${n}`,
      document: JSON.parse(d),
    }));
    const boundary = role.permissionsBoundary ? findPolicy(s, role.permissionsBoundary) : undefined;
    return {
      principal: { kind: "aws", accountId: role.accountId, arn: role.arn, roleArn: role.arn },
      accountId: role.accountId,
      identity: [...inline, ...attached],
      boundaries: boundary
        ? [{ name: `boundary:${boundary.arn}`, document: JSON.parse(defaultDocument(boundary)) }]
        : [],
    };
  }
  const account = s.accounts.find((a) => a.id === callerAccount && a.admin.arn === arn);
  if (account) {
    const admin = findPolicy(s, "arn:aws:iam::aws:policy/AdministratorAccess")!;
    return {
      principal: { kind: "aws", accountId: account.id, arn },
      accountId: account.id,
      identity: [{ name: `user:${admin.arn}`, document: JSON.parse(defaultDocument(admin)) }],
      boundaries: [],
    };
  }
  return undefined;
}
