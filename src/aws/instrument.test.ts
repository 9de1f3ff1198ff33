import { createServer, type Server } from "node:http";
import { DescribeClusterCommand } from "@aws-sdk/client-eks";
import { CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterEach, describe, expect, it } from "vitest";
import { CallLog, defaultRetryPolicy, type Transience } from "../transport/index.js";
import { accountClients } from "./clients.js";
import { CALL_LOG_MIDDLEWARE, xirsaRetryStrategy } from "./instrument.js";

const NS = "https://iam.amazonaws.com/doc/2010-05-08/";
const errorXml = (code: string, message: string) =>
  `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
const ROLE_XML = `<GetRoleResponse xmlns="${NS}"><GetRoleResult><Role><Path>/</Path><RoleName>r</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>arn:aws:iam::111111111111:role/r</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument></Role></GetRoleResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetRoleResponse>`;
const PROPAGATION = errorXml(
  "MalformedPolicyDocument",
  "Invalid principal in policy: AWS:arn:aws:iam::2:role/x",
);

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server on 127.0.0.1 answering from a script of [status, content type, body], the last one repeating. */
async function scripted(
  script: [number, string, string][],
): Promise<{ url: string; requests: () => number }> {
  let n = 0;
  server = createServer((req, res) => {
    req.resume().on("end", () => {
      const [status, type, body] = script[Math.min(n++, script.length - 1)]!;
      res.writeHead(status, { "content-type": type }).end(body);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests: () => n };
}

const xml = (status: number, body: string): [number, string, string] => [status, "text/xml", body];

function clients(url: string, log: CallLog, sleeps: number[], credentials?: () => Promise<never>) {
  return accountClients({
    accountId: "111111111111",
    region: "eu-west-1",
    env: { AWS_ENDPOINT_URL_IAM: url, AWS_ENDPOINT_URL_EKS: url },
    log,
    retry: defaultRetryPolicy({ sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 }),
    credentials: credentials ?? (async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" })),
  });
}

describe("the SDK's own extension points carry xirsa's retries and call log", () => {
  it("keeps the SDK's send and puts the call log inside its retry loop, before signing", async () => {
    const { url } = await scripted([xml(200, ROLE_XML)]);
    const c = clients(url, new CallLog(), []);
    expect(Object.hasOwn(c.iam, "send")).toBe(false);
    expect(c.iam.send).toBe(IAMClient.prototype.send);
    const stack = c.iam.middlewareStack.identify().map((m) => m.split(" ")[0]);
    const at = stack.indexOf(CALL_LOG_MIDDLEWARE);
    expect(stack[at - 1]).toBe("retryMiddleware");
    expect(stack[at + 1]).toBe("httpSigningMiddleware");
    c.destroy();
  });

  it("records each attempt (Throttling, then 200) and the SDK counts the same attempts and delay", async () => {
    const { url, requests } = await scripted([
      xml(400, errorXml("Throttling", "Rate exceeded")),
      xml(200, ROLE_XML),
    ]);
    const log = new CallLog();
    const sleeps: number[] = [];
    const c = clients(url, log, sleeps);
    const out = await c.iam.send(new GetRoleCommand({ RoleName: "r" }));
    const attempt = { api: "iam", operation: "GetRole", target: "111111111111", mutating: false };
    expect(log.calls).toEqual([{ ...attempt, failed: "Throttling" }, attempt]);
    expect(requests()).toBe(2);
    expect(sleeps).toEqual([150]);
    expect(out.$metadata).toMatchObject({ attempts: 2, totalRetryDelay: 150 });
    c.destroy();
  });

  it("names the operation from the command in a REST-JSON client too (EKS, 429 then 200)", async () => {
    const json = "application/json";
    const { url } = await scripted([
      [429, json, JSON.stringify({ message: "slow down" })],
      [200, json, JSON.stringify({ cluster: { name: "c" } })],
    ]);
    const log = new CallLog();
    const c = clients(url, log, []);
    const out = await c.eks("eu-west-1").send(new DescribeClusterCommand({ name: "c" }));
    expect(out.cluster?.name).toBe("c");
    expect(log.calls.map((x) => [x.api, x.operation, x.failed])).toEqual([
      ["eks", "DescribeCluster", expect.any(String)],
      ["eks", "DescribeCluster", undefined],
    ]);
    c.destroy();
  });

  it("does not retry an IAM quota error the SDK's standard strategy would retry as throttling", async () => {
    // LimitExceededException is in @smithy/core service-error-classification THROTTLING_ERROR_CODES.
    const { url, requests } = await scripted([xml(409, errorXml("LimitExceeded", "Cannot exceed quota"))]);
    const log = new CallLog();
    const c = clients(url, log, []);
    const err = await c.iam
      .send(new CreateRoleCommand({ RoleName: "r", AssumeRolePolicyDocument: "{}" }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "LimitExceededException", $metadata: { attempts: 1 } });
    expect(requests()).toBe(1);
    expect(log.calls.map((x) => x.failed)).toEqual(["LimitExceededException"]);
    c.destroy();
  });

  it("waits out propagation on a mutating call for propagationAttempts, never on a read", async () => {
    const created = await scripted([xml(400, PROPAGATION)]);
    const log = new CallLog();
    const c = clients(created.url, log, []);
    await expect(
      c.iam.send(new CreateRoleCommand({ RoleName: "r", AssumeRolePolicyDocument: "{}" })),
    ).rejects.toMatchObject({ name: "MalformedPolicyDocumentException", $metadata: { attempts: 12 } });
    expect(created.requests()).toBe(defaultRetryPolicy().propagationAttempts);
    expect(log.mutating()).toHaveLength(12);
    c.destroy();
    await new Promise<void>((r) => server!.close(() => r()));

    const read = await scripted([xml(400, PROPAGATION)]);
    const log2 = new CallLog();
    const c2 = clients(read.url, log2, []);
    await expect(c2.iam.send(new GetRoleCommand({ RoleName: "r" }))).rejects.toMatchObject({
      name: "MalformedPolicyDocumentException",
    });
    expect(read.requests()).toBe(1);
    c2.destroy();
  });

  it("counts requests, not sends: a send that fails to get credentials made none and is not logged", async () => {
    const { url, requests } = await scripted([xml(200, ROLE_XML)]);
    const log = new CallLog();
    const noCredentials = async (): Promise<never> => {
      throw Object.assign(new Error("no credentials"), { name: "CredentialsProviderError" });
    };
    const c = clients(url, log, [], noCredentials);
    await expect(c.iam.send(new GetRoleCommand({ RoleName: "r" }))).rejects.toThrow("no credentials");
    expect(requests()).toBe(0);
    expect(log.calls).toEqual([]);
    c.destroy();
  });
});

describe("xirsaRetryStrategy", () => {
  it.each<[Transience, number]>([
    ["throttle", 5],
    ["server", 5],
    ["network", 5],
    ["propagation", 12],
    ["permanent", 1],
  ])(
    "%s: allows %i attempts, sleeping on the policy's clock and handing the SDK no delay",
    async (kind, n) => {
      const sleeps: number[] = [];
      const policy = defaultRetryPolicy({ sleep: async (ms) => void sleeps.push(ms), random: () => 1 });
      const strategy = xirsaRetryStrategy(policy, () => kind);
      let token = await strategy.acquireInitialRetryToken("");
      let attempts = 1;
      for (;;) {
        try {
          token = await strategy.refreshRetryTokenForRetry(token, {
            errorType: "CLIENT_ERROR",
            error: { name: "X", message: "x", $metadata: {} },
          });
        } catch {
          break;
        }
        attempts++;
        expect(token.getRetryCount()).toBe(attempts - 1);
        expect(token.getRetryDelay()).toBe(0);
      }
      expect(attempts).toBe(n);
      expect(sleeps).toEqual([200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000, 5000, 5000].slice(0, n - 1));
    },
  );
});
