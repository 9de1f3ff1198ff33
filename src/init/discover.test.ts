import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EKS } from "@aws-sdk/client-eks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CA_DATA, ENDPOINT, ISSUER } from "../../test/init/testdata.js";
import { AwsError, InputError } from "../errors.js";
import {
  describeCluster,
  discoverCluster,
  type EksCluster,
  type EksPort,
  listClusterNames,
} from "./discover.js";

function cluster(name: string, account = "222222222222", region = "eu-west-1"): EksCluster {
  return {
    name,
    arn: `arn:aws:eks:${region}:${account}:cluster/${name}`,
    endpoint: ENDPOINT,
    certificateAuthority: { data: CA_DATA },
    identity: { oidc: { issuer: ISSUER } },
  };
}

/** A fake EKS client: clusters served two per page; records the calls. */
function fakeEks(names: string[], opts: { fail?: Error } = {}) {
  const calls: string[] = [];
  const eks: EksPort = {
    async listClusters(input) {
      calls.push(`list ${input.nextToken ?? ""}`);
      if (opts.fail) throw opts.fail;
      const start = input.nextToken ? Number(input.nextToken) : 0;
      const page = names.slice(start, start + 2);
      return start + 2 < names.length ? { clusters: page, nextToken: String(start + 2) } : { clusters: page };
    },
    async describeCluster(input) {
      calls.push(`describe ${input.name}`);
      if (!names.includes(input.name)) {
        throw Object.assign(new Error(`No cluster found for name: ${input.name}.`), {
          name: "ResourceNotFoundException",
        });
      }
      return { cluster: cluster(input.name) };
    },
  };
  return { eks, calls };
}

const never = async () => {
  throw new Error("must not ask");
};

describe("discover", () => {
  it("lists every page of clusters, sorted", async () => {
    const { eks, calls } = fakeEks(["c", "a", "e", "b", "d"]);
    expect(await listClusterNames(eks, "p")).toEqual(["a", "b", "c", "d", "e"]);
    expect(calls).toEqual(["list ", "list 2", "list 4"]);
  });

  it("takes the only cluster and reads account, region, issuer, endpoint and CA", async () => {
    const { eks, calls } = fakeEks(["workloads-prod"]);
    const d = await discoverCluster(eks, {
      profile: "b",
      side: "target",
      flag: "--target-cluster",
      choose: never,
    });
    expect(d).toEqual({
      name: "workloads-prod",
      accountId: "222222222222",
      region: "eu-west-1",
      endpoint: ENDPOINT,
      caData: CA_DATA,
      issuer: ISSUER,
    });
    expect(calls).toEqual(["list ", "describe workloads-prod"]);
  });

  it("describes the named cluster without listing", async () => {
    const { eks, calls } = fakeEks(["a", "b"]);
    const d = await discoverCluster(eks, {
      profile: "b",
      cluster: "b",
      side: "target",
      flag: "--target-cluster",
      choose: never,
    });
    expect(d.name).toBe("b");
    expect(calls).toEqual(["describe b"]);
  });

  it("asks which of several clusters, and refuses when it cannot ask", async () => {
    const { eks } = fakeEks(["a", "b", "c"]);
    const asked: string[][] = [];
    const d = await discoverCluster(eks, {
      profile: "a",
      side: "source",
      flag: "--source-cluster",
      choose: async (names) => {
        asked.push(names);
        return "c";
      },
    });
    expect(asked).toEqual([["a", "b", "c"]]);
    expect(d.name).toBe("c");
    const refused = discoverCluster(eks, {
      profile: "a",
      side: "source",
      flag: "--source-cluster",
      choose: async () => undefined,
    });
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow("profile a sees several EKS clusters (a, b, c)");
  });

  it("refuses a profile that sees no cluster, naming the flag", async () => {
    const { eks } = fakeEks([]);
    const e = await discoverCluster(eks, {
      profile: "a",
      side: "source",
      flag: "--source-cluster",
      choose: never,
    }).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e.oneLine()).toBe(
      "profile a sees no EKS cluster for the source; check its region, or pass --source-cluster",
    );
  });

  it("turns AWS failures into one AwsError line naming the profile", async () => {
    const denied = Object.assign(new Error("User is not authorized to perform: eks:ListClusters"), {
      name: "AccessDeniedException",
    });
    const { eks } = fakeEks(["a"], { fail: denied });
    const e = await listClusterNames(eks, "acct-a").catch((x) => x);
    expect(e).toBeInstanceOf(AwsError);
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe(
      "listing EKS clusters with profile acct-a failed: AccessDeniedException: User is not authorized to perform: eks:ListClusters",
    );
    const missing = await describeCluster(fakeEks(["a"]).eks, "zz", "acct-a").catch((x) => x);
    expect(missing.message).toMatch(
      /describing EKS cluster zz with profile acct-a failed: ResourceNotFoundException/,
    );
  });

  describe("through the real SDK client on 127.0.0.1", () => {
    let server: Server;
    let endpoint: string;
    const seen: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        const url = new URL(req.url ?? "/", "http://x");
        res.setHeader("content-type", "application/json");
        if (url.pathname === "/clusters") {
          res.end(JSON.stringify({ clusters: ["krci-main"] }));
        } else if (url.pathname === "/clusters/krci-main") {
          res.end(JSON.stringify({ cluster: cluster("krci-main", "111111111111", "eu-central-1") }));
        } else {
          res.statusCode = 404;
          res.setHeader("x-amzn-errortype", "ResourceNotFoundException");
          res.end(JSON.stringify({ message: "not found" }));
        }
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("lists and describes with ListClusters and DescribeCluster", async () => {
      const eks = new EKS({
        region: "eu-central-1",
        endpoint,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
        maxAttempts: 1,
      });
      const d = await discoverCluster(eks, {
        profile: "a",
        side: "source",
        flag: "--source-cluster",
        choose: never,
      });
      expect(d).toMatchObject({
        name: "krci-main",
        accountId: "111111111111",
        region: "eu-central-1",
        issuer: ISSUER,
      });
      expect(seen).toEqual(["GET /clusters?maxResults=100", "GET /clusters/krci-main"]);
      eks.destroy();
    });
  });
});
