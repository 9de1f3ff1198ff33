/** eksToken against the real `aws eks get-token`, at the signing time the CLI chose (the known answers in
 * src/aws/eksToken.test.ts were taken the same way, once). */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { eksToken, tokenUrl } from "../../src/aws/eksToken.js";
import { requireTools } from "../tools.js";

const credentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

const skip = requireTools("test/cli/eksTokenAwsCli.test.ts", "aws");

describe.skipIf(!!skip)("eksToken and aws eks get-token", () => {
  it("is byte-identical to `aws eks get-token` for the same signing time", async () => {
    const out = execFileSync(
      "aws",
      ["eks", "get-token", "--cluster-name", "prod", "--region", "eu-west-1", "--output", "json"],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
          AWS_EC2_METADATA_DISABLED: "true",
          AWS_STS_REGIONAL_ENDPOINTS: "regional",
        },
      },
    ).toString();
    const theirs = JSON.parse(out).status.token as string;
    const date = tokenUrl(theirs).searchParams.get("X-Amz-Date")!;
    const now = new Date(
      `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
    );
    const ours = await eksToken({
      credentials,
      region: "eu-west-1",
      clusterName: "prod",
      stsEndpoint: "https://sts.eu-west-1.amazonaws.com",
      now,
    });
    expect(ours.token).toBe(theirs);
  });
});
