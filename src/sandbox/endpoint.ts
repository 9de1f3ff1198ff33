/**
 * The sandbox's one AWS endpoint (plain HTTP on 127.0.0.1). A request goes: body → SigV4 (the credential
 * scope names the service) → realism knobs → the service's protocol (IAM/STS query with XML, EKS rest-json)
 * → handler. Every reply carries a request id; no reply ever echoes a secret.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "./body.js";
import { requestId as newRequestId } from "./ids.js";
import { type AwsState, type Caller, callerOfAdmin, callerOfSession, type SessionRec } from "./model.js";
import { AwsApiError } from "./protocol/errors.js";
import { paramsFrom } from "./protocol/query.js";
import { queryErrorXml, queryResponseXml } from "./protocol/xml.js";
import type { Knobs, Ports, SandboxFacts, ServiceContext } from "./services/context.js";
import { EKS_ROUTES } from "./services/eks/handlers.js";
import { IAM_HANDLERS, IAM_XMLNS } from "./services/iam/handlers.js";
import { STS_HANDLERS, STS_UNSIGNED, STS_XMLNS } from "./services/sts/handlers.js";
import { parseQuery } from "./sigv4/canonical.js";
import { SIGV4_ERRORS } from "./sigv4/errors.js";
import { type IncomingSigned, type KnownCredential, type SigV4Failure, verifySigV4 } from "./sigv4/verify.js";
import type { AwsStore } from "./store.js";

const MAX_BODY = 1024 * 1024;

export interface EndpointDeps {
  store: AwsStore;
  ports: Ports;
  knobs: Knobs;
  facts: SandboxFacts;
  /** Where unexpected faults are reported (never with request bodies: they may hold secrets). */
  log?: (line: string) => void;
}

type Service = "iam" | "sts" | "eks";

/** Access key → credential; sessions are indexed lazily (the list only grows or is pruned on issue). */
export function credentialLookup(state: AwsState): (id: string) => KnownCredential<Caller> | undefined {
  let index: Map<string, SessionRec> | undefined;
  let indexedFrom: SessionRec[] | undefined;
  let indexedLength = -1;
  return (id) => {
    for (const a of state.accounts) {
      if (a.admin.accessKeyId === id)
        return { secretAccessKey: a.admin.secretAccessKey, principal: callerOfAdmin(a.id, a.admin) };
    }
    if (!index || indexedFrom !== state.sessions || indexedLength !== state.sessions.length) {
      index = new Map(state.sessions.map((s) => [s.accessKeyId, s]));
      indexedFrom = state.sessions;
      indexedLength = state.sessions.length;
    }
    const s = index.get(id);
    if (!s) return undefined;
    return {
      secretAccessKey: s.secretAccessKey,
      sessionToken: s.sessionToken,
      expiresAt: new Date(s.expiration),
      principal: callerOfSession(s),
    };
  };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function queryError(service: "iam" | "sts", err: AwsApiError, requestId: string): Reply {
  return {
    status: err.status,
    headers: { "content-type": "text/xml" },
    body: queryErrorXml(
      service === "iam" ? IAM_XMLNS : STS_XMLNS,
      { type: err.type, code: err.code, message: err.message },
      requestId,
    ),
  };
}

function jsonError(err: AwsApiError): Reply {
  return {
    status: err.status,
    headers: {
      "content-type": "application/json",
      "x-amzn-errortype": `${err.code}:http://internal.amazon.com/coral/com.amazonaws.eks/`,
    },
    body: JSON.stringify({ ...err.fields, message: err.message }),
  };
}

/** SigV4 failures as each protocol names them (IAM/STS codes vs EKS's JSON service codes). */
function authError(kind: SigV4Failure, message: string, service: Service): AwsApiError {
  const { code, status } = SIGV4_ERRORS[kind][service === "eks" ? "json" : "query"];
  return new AwsApiError(code, message, status);
}

function headerMap(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(",") : v;
  return out;
}

/** Query-protocol parameters: the form body, plus the query string minus the presign parameters. */
function queryParams(incoming: IncomingSigned): Map<string, string> {
  const pairs = incoming.query.filter(([k]) => !k.startsWith("X-Amz-"));
  const type = incoming.headers["content-type"] ?? "";
  if (incoming.body.length && type.startsWith("application/x-www-form-urlencoded")) {
    pairs.push(...parseQuery(incoming.body.toString("utf8").replace(/\+/g, "%20")));
  }
  return paramsFrom(pairs);
}

function uniform(random: Ports["random"]): number {
  return random(4).readUInt32BE(0) / 2 ** 32;
}

/** Handles one request; never throws (an unexpected fault becomes a 500 with a request id). */
export function createEndpoint(deps: EndpointDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const lookup = credentialLookup(deps.store.state);
  return (req, res) => {
    const requestId = newRequestId(deps.ports.random);
    const send = (r: Reply) => {
      if (res.headersSent) return;
      res.writeHead(r.status, {
        ...r.headers,
        "x-amzn-requestid": requestId,
        date: deps.ports.now().toUTCString(),
        "content-length": Buffer.byteLength(r.body),
      });
      res.end(r.body);
    };
    const latency = deps.knobs.latencyMs ?? 0;
    const delay = latency > 0 ? latency * (0.5 + uniform(deps.ports.random)) : 0;
    const answered = handle(deps, lookup, req, requestId);
    // The latency knob: the reply leaves after the jittered delay (handled at once, so order is unchanged).
    const late = delay
      ? answered.then((r) => new Promise<Reply>((done) => setTimeout(() => done(r), delay)))
      : answered;
    late.then(send, (e: unknown) => {
      const err = new AwsApiError(
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
        500,
      );
      send(queryError("sts", err, requestId));
      if (!(e instanceof AwsApiError))
        deps.log?.(`internal error ${requestId}: ${(e as Error)?.stack ?? String(e)}`);
    });
  };
}

async function handle(
  deps: EndpointDeps,
  lookup: (id: string) => KnownCredential<Caller> | undefined,
  req: IncomingMessage,
  requestId: string,
): Promise<Reply> {
  const body = await readBody(req, MAX_BODY);
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const incoming: IncomingSigned = {
    method: req.method ?? "GET",
    rawPath: q < 0 ? url : url.slice(0, q),
    query: parseQuery(q < 0 ? "" : url.slice(q + 1)),
    headers: headerMap(req),
    body: body ?? Buffer.alloc(0),
  };
  if (body === undefined) {
    return queryError(
      "sts",
      new AwsApiError("RequestEntityTooLarge", "Request body is too large", 413),
      requestId,
    );
  }
  const now = deps.ports.now();
  const verdict = verifySigV4(incoming, lookup, now);

  let service: Service;
  let caller: Caller | undefined;
  let region = "us-east-1";
  if (verdict.ok) {
    const s = verdict.scope.service;
    if (s !== "iam" && s !== "sts" && s !== "eks") {
      return queryError(
        "sts",
        new AwsApiError("InvalidAction", `The xirsa sandbox does not serve the ${s} service`, 400),
        requestId,
      );
    }
    service = s;
    caller = verdict.principal;
    region = verdict.scope.region;
  } else {
    const scoped = verdict.scope?.service;
    const svc: Service = scoped === "eks" ? "eks" : scoped === "iam" ? "iam" : "sts";
    // STS serves AssumeRoleWithWebIdentity unsigned: the token is the credential.
    if (verdict.kind === "missing") {
      const params = queryParams(incoming);
      if (STS_UNSIGNED.has(params.get("Action") ?? "")) {
        return (
          realismFault(deps, "sts", requestId) ?? queryCall(deps, "sts", params, undefined, region, requestId)
        );
      }
    }
    const err = authError(verdict.kind, verdict.message, svc);
    return svc === "eks" ? jsonError(err) : queryError(svc, err, requestId);
  }

  const fault = realismFault(deps, service, requestId);
  if (fault) return fault;

  if (service === "eks") return eksCall(deps, incoming, caller!, region, requestId);
  return queryCall(deps, service, queryParams(incoming), caller, region, requestId);
}

/** The throttling and 5xx knobs: a fault reply, or undefined to serve the request. */
function realismFault(deps: EndpointDeps, service: Service, requestId: string): Reply | undefined {
  const knob = deps.knobs;
  let err: AwsApiError | undefined;
  if (knob.throttleRate > 0 && uniform(deps.ports.random) < knob.throttleRate) {
    err =
      service === "eks"
        ? new AwsApiError("ThrottlingException", "Rate exceeded", 429)
        : new AwsApiError("Throttling", "Rate exceeded", 400);
  } else if (knob.errorRate > 0 && uniform(deps.ports.random) < knob.errorRate) {
    err =
      service === "eks"
        ? new AwsApiError("ServerException", "An internal server error occurred.", 500)
        : new AwsApiError(
            service === "iam" ? "ServiceFailure" : "InternalFailure",
            "An internal error occurred.",
            500,
          );
  }
  if (!err) return undefined;
  return service === "eks" ? jsonError(err) : queryError(service, err, requestId);
}

function context(
  deps: EndpointDeps,
  caller: Caller | undefined,
  region: string,
  requestId: string,
): ServiceContext {
  return {
    store: deps.store,
    ports: deps.ports,
    knobs: deps.knobs,
    region,
    caller,
    requestId,
    facts: deps.facts,
  };
}

async function queryCall(
  deps: EndpointDeps,
  service: "iam" | "sts",
  params: Map<string, string>,
  caller: Caller | undefined,
  region: string,
  requestId: string,
): Promise<Reply> {
  const action = params.get("Action");
  const handlers = service === "iam" ? IAM_HANDLERS : STS_HANDLERS;
  const xmlns = service === "iam" ? IAM_XMLNS : STS_XMLNS;
  if (!action) return queryError(service, new AwsApiError("MissingAction", "Missing Action", 400), requestId);
  const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
  if (!handler) {
    const version = params.get("Version") ?? "";
    return queryError(
      service,
      new AwsApiError("InvalidAction", `Could not find operation ${action} for version ${version}`, 400),
      requestId,
    );
  }
  try {
    const ctx = context(deps, caller, region, requestId);
    const result = await (handler as (c: ServiceContext, p: Map<string, string>) => Promise<unknown>)(
      ctx,
      params,
    );
    return {
      status: 200,
      headers: { "content-type": "text/xml" },
      body: queryResponseXml(action, xmlns, result as never, requestId),
    };
  } catch (e) {
    if (e instanceof AwsApiError) return queryError(service, e, requestId);
    throw e;
  }
}

async function eksCall(
  deps: EndpointDeps,
  incoming: IncomingSigned,
  caller: Caller,
  region: string,
  requestId: string,
): Promise<Reply> {
  try {
    const candidates = EKS_ROUTES.filter((r) => r.pattern.test(incoming.rawPath));
    const route = candidates.find((r) => r.method === incoming.method);
    if (!route) {
      throw candidates.length
        ? new AwsApiError(
            "InvalidRequestException",
            `Method ${incoming.method} is not allowed on ${incoming.rawPath}`,
            405,
          )
        : new AwsApiError(
            "UnknownOperationException",
            `No operation at ${incoming.method} ${incoming.rawPath}`,
            404,
          );
    }
    const match = route.pattern.exec(incoming.rawPath)!;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => {
      params[n] = decodeURIComponent(match[i + 1]!);
    });
    let body: Record<string, unknown> = {};
    if (incoming.body.length) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(incoming.body.toString("utf8"));
      } catch {
        throw new AwsApiError("SerializationException", "Could not parse the request body as JSON", 400);
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new AwsApiError("SerializationException", "Expected a JSON object as the request body", 400);
      }
      body = parsed as Record<string, unknown>;
    }
    const query = new URLSearchParams(incoming.query);
    const ctx = { ...context(deps, caller, region, requestId), caller };
    const result = await route.handler(ctx, { params, query, body });
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(result) };
  } catch (e) {
    if (e instanceof AwsApiError) return jsonError(e);
    if (e instanceof URIError)
      return jsonError(new AwsApiError("InvalidParameterException", "Malformed path parameter", 400));
    throw e;
  }
}
