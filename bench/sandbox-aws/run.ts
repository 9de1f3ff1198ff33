/**
 * bench/sandbox-aws: requests per second of the sandbox's STS (GetCallerIdentity, AssumeRole) through SDK v3
 * clients, 1 and 16 at a time, against a peer measured in the same run: a bare HTTP server that answers
 * GetCallerIdentity with a canned reply (no SigV4, no state), i.e. the cost of the SDK and HTTP alone.
 * Prints only. Run: npx tsx bench/sandbox-aws/run.ts [seconds-per-case]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startSandbox } from "../../src/sandbox/server.js";
import { A, adminCredentials, clients, type Harness, SPEC } from "../../test/sandbox-aws/helpers.js";

const seconds = Number(process.argv[2] ?? 2);

async function measure(concurrency: number, call: () => Promise<unknown>): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return done / seconds;
}

const dir = mkdtempSync(join(tmpdir(), "xirsa-bench-sbx-"));
const sandbox = await startSandbox({ stateDir: dir, spec: SPEC, kube: false });
const h = { sandbox } as Harness;
const creds = adminCredentials(h, A);
const admin = clients(h, creds, "eu-central-1", { maxAttempts: 1 });
await admin.iam.send(
  new CreateRoleCommand({
    RoleName: "Bench",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: "sts:AssumeRole" },
      ],
    }),
  }),
);

const canned = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${A}:user/x</Arn><UserId>AIDAX</UserId><Account>${A}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>0</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
const peer = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/xml", "content-length": Buffer.byteLength(canned) });
    res.end(canned);
  });
});
await new Promise<void>((r) => peer.listen(0, "127.0.0.1", () => r()));
const peerUrl = `http://127.0.0.1:${(peer.address() as { port: number }).port}`;

const stsFor = (endpoint: string, n: number) =>
  Array.from(
    { length: n },
    () => new STSClient({ endpoint, region: "eu-central-1", credentials: creds, maxAttempts: 1 }),
  );

console.log(`sandbox STS through SDK v3, ${seconds} s per case (peer: canned HTTP reply, no verification)`);
for (const c of [1, 16]) {
  const peers = stsFor(peerUrl, c);
  const sbx = stsFor(sandbox.awsUrl, c);
  let i = 0;
  let j = 0;
  let k = 0;
  const base = await measure(c, () => peers[i++ % c]!.send(new GetCallerIdentityCommand({})));
  const gci = await measure(c, () => sbx[j++ % c]!.send(new GetCallerIdentityCommand({})));
  const ar = await measure(c, () =>
    sbx[k++ % c]!.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/Bench`, RoleSessionName: `b${k}` }),
    ),
  );
  console.log(
    `${String(c).padStart(2)} client(s): peer ${base.toFixed(0)} req/s | GetCallerIdentity ${gci.toFixed(0)} req/s (${(gci / base).toFixed(2)}x peer) | AssumeRole ${ar.toFixed(0)} req/s (${(ar / base).toFixed(2)}x peer)`,
  );
}

await sandbox.close();
peer.close();
rmSync(dir, { recursive: true, force: true });
