import { createServer, type Server } from "node:http";
import { CreateRoleCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { afterEach, describe, expect, it } from "vitest";
import { CallLog, defaultRetryPolicy } from "../transport/index.js";
import { accountClients, classifyAwsError } from "./clients.js";

const NS = "https://iam.amazonaws.com/doc/2010-05-08/";

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
}

const ROLE_XML = `<GetRoleResponse xmlns="${NS}"><GetRoleResult><Role><Path>/</Path><RoleName>r</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>arn:aws:iam::111111111111:role/r</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%7D</AssumeRolePolicyDocument></Role></GetRoleResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetRoleResponse>`;
const CREATE_XML = ROLE_XML.replaceAll("GetRole", "CreateRole");

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** An IAM endpoint on 127.0.0.1 that answers from a script of [status, body] per request. */
async function iamServer(script: [number, string][]): Promise<{ url: string; actions: string[] }> {
  const actions: string[] = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      actions.push(new URLSearchParams(body).get("Action") ?? "?");
      const [status, xml] = script[Math.min(actions.length - 1, script.length - 1)]!;
      res.writeHead(status, { "content-type": "text/xml" }).end(xml);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, actions };
}

function clients(url: string, log: CallLog, sleeps: number[]) {
  return accountClients({
    accountId: "111111111111",
    region: "eu-west-1",
    env: { AWS_ENDPOINT_URL_IAM: url },
    log,
    retry: defaultRetryPolicy({
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    }),
    credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
  });
}

describe("accountClients", () => {
  it("retries throttling with bounded backoff and counts every attempt", async () => {
    const { url, actions } = await iamServer([
      [400, errorXml("Throttling", "Rate exceeded")],
      [400, errorXml("Throttling", "Rate exceeded")],
      [200, ROLE_XML],
    ]);
    const log = new CallLog();
    const sleeps: number[] = [];
    const c = clients(url, log, sleeps);
    const out = await c.iam.send(new GetRoleCommand({ RoleName: "r" }));
    expect(out.Role?.RoleId).toBe("AROAEXAMPLE");
    expect(actions).toEqual(["GetRole", "GetRole", "GetRole"]);
    const attempt = { api: "iam", operation: "GetRole", target: "111111111111", mutating: false };
    expect(log.calls).toEqual([
      { ...attempt, failed: "Throttling" },
      { ...attempt, failed: "Throttling" },
      attempt,
    ]);
    expect(sleeps).toEqual([150, 300]);
    c.destroy();
  });

  it("gives up on a persistent 5xx after the attempt limit", async () => {
    const { url, actions } = await iamServer([[500, errorXml("ServiceFailure", "boom")]]);
    const log = new CallLog();
    const sleeps: number[] = [];
    const c = clients(url, log, sleeps);
    await expect(c.iam.send(new GetRoleCommand({ RoleName: "r" }))).rejects.toMatchObject({
      name: "ServiceFailureException",
    });
    expect(actions).toHaveLength(5);
    expect(sleeps.every((ms) => ms <= 5000)).toBe(true);
    c.destroy();
  });

  it("waits out IAM propagation on a mutating call, but never retries a permanent error", async () => {
    const { url, actions } = await iamServer([
      [400, errorXml("MalformedPolicyDocument", "Invalid principal in policy: AWS:arn:aws:iam::2:role/x")],
      [200, CREATE_XML],
    ]);
    const log = new CallLog();
    const c = clients(url, log, []);
    const created = await c.iam.send(
      new CreateRoleCommand({ RoleName: "r", AssumeRolePolicyDocument: "{}" }),
    );
    expect(created.Role?.Arn).toBe("arn:aws:iam::111111111111:role/r");
    expect(log.mutating()).toHaveLength(2);
    c.destroy();

    const gone = await iamServer([[404, errorXml("NoSuchEntity", "The role with name r cannot be found.")]]);
    const log2 = new CallLog();
    const c2 = clients(gone.url, log2, []);
    await expect(c2.iam.send(new GetRoleCommand({ RoleName: "r" }))).rejects.toMatchObject({
      name: "NoSuchEntityException",
    });
    expect(gone.actions).toEqual(["GetRole"]);
    expect(actions).toHaveLength(2);
    c2.destroy();
  });

  it.each([
    ["GetRole", { name: "ThrottlingException" }, "throttle"],
    ["GetRole", { name: "X", $metadata: { httpStatusCode: 429 } }, "throttle"],
    ["GetRole", { name: "InternalFailure", $fault: "server" }, "server"],
    ["GetRole", { code: "ECONNRESET" }, "network"],
    [
      "CreateAccessEntry",
      { name: "InvalidParameterException", message: "The specified principal does not exist" },
      "propagation",
    ],
    [
      "DescribeAccessEntry",
      { name: "InvalidParameterException", message: "principal does not exist" },
      "permanent",
    ],
    [
      "UpdateAssumeRolePolicy",
      { name: "MalformedPolicyDocument", message: "Invalid principal in policy" },
      "propagation",
    ],
    [
      "UpdateAssumeRolePolicy",
      { name: "MalformedPolicyDocument", message: "Syntax errors in policy" },
      "permanent",
    ],
    ["CreateRole", { name: "LimitExceeded", message: "Cannot exceed quota" }, "permanent"],
  ])("classifies %s %j as %s", (op, err, kind) => {
    expect(classifyAwsError(op, err)).toBe(kind);
  });
});
