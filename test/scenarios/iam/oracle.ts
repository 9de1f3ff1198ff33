/**
 * The differential oracle: @cloud-copilot/iam-simulate (AGPL-3.0, a devDependency; imported ONLY from test and
 * bench files, never from src/). Its public runSimulation validates context keys against the AWS catalogue
 * and drops `oidc.eks.*` keys, so we drive its core engine (`authorize` of core_engine/CoreSimulatorEngine)
 * directly, in Strict mode, with no SCPs/RCPs/boundaries/session policies — the same inputs our engine takes.
 * The package's `exports` map hides these modules, hence the file paths.
 */
import { loadPolicy } from "../../../node_modules/@cloud-copilot/iam-policy/dist/esm/index.js";
import { DiscoveryContextKeyConstraints } from "../../../node_modules/@cloud-copilot/iam-simulate/dist/esm/context_keys/discoveryContextKeyConstraints.js";
import {
  type AuthorizationRequest,
  authorize as oracleAuthorize,
} from "../../../node_modules/@cloud-copilot/iam-simulate/dist/esm/core_engine/CoreSimulatorEngine.js";
import { AwsRequestImpl } from "../../../node_modules/@cloud-copilot/iam-simulate/dist/esm/request/request.js";
import { RequestContextImpl } from "../../../node_modules/@cloud-copilot/iam-simulate/dist/esm/requestContext.js";
import type { AuthorizeInput, RequestPrincipal } from "../../../src/iam/types.js";

export type OracleDecision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** iam-simulate models a caller as one string: its ARN, the provider ARN, or the service principal. */
function principalString(p: RequestPrincipal): string {
  switch (p.kind) {
    case "aws":
      return p.arn;
    case "federated":
      return p.provider;
    case "service":
      return p.service;
  }
}

function contextValues(input: AuthorizeInput): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(input.request.context ?? {})) {
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

function asDocument(doc: unknown): unknown {
  return typeof doc === "string" ? JSON.parse(doc) : doc;
}

/** Load the policies once; the returned function evaluates the request (for the benchmark's fairness). */
export function prepareOracle(input: AuthorizeInput): () => OracleDecision {
  const identityPolicies = input.identityPolicies.map((p) =>
    loadPolicy(asDocument(p.document) as never, { name: p.name }),
  );
  const resourcePolicy = input.resourcePolicy
    ? loadPolicy(asDocument(input.resourcePolicy.document) as never, { name: input.resourcePolicy.name })
    : undefined;
  const principal = principalString(input.request.principal);
  const context = contextValues(input);
  const constraints = new DiscoveryContextKeyConstraints([]);
  return () => {
    const request: AuthorizationRequest = {
      request: new AwsRequestImpl(
        principal,
        { resource: input.request.resource, accountId: input.resourceAccount },
        input.request.action,
        new RequestContextImpl(context),
      ),
      sessionPolicy: undefined,
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
      permissionBoundaries: undefined,
      vpcEndpointPolicies: undefined,
      simulationParameters: { simulationMode: "Strict", discoveryContextKeyConstraints: constraints },
    };
    return oracleAuthorize(request).result as OracleDecision;
  };
}

/** The oracle's decision for one request. */
export function oracleDecide(input: AuthorizeInput): OracleDecision {
  return prepareOracle(input)();
}
