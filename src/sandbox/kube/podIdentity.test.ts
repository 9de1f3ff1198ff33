import { describe, expect, it } from "vitest";
import { injectPodIdentity } from "./podIdentity.js";

const pod = {
  metadata: { name: "p", namespace: "krci" },
  spec: {
    containers: [{ name: "c", image: "i", env: [{ name: "AWS_REGION", value: "keep-me" }] }],
    initContainers: [{ name: "i", image: "i" }],
  },
};
const sa = (annotations: Record<string, string>) => ({
  metadata: { name: "s", namespace: "krci", annotations },
});

describe("pod identity webhook", () => {
  it("injects env, mount and projected token volume when the SA carries a role", () => {
    const out = injectPodIdentity(
      pod,
      sa({ "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/R" }),
      "eu-west-1",
    ) as typeof pod & {
      spec: {
        volumes: unknown[];
        containers: { env: { name: string; value: string }[]; volumeMounts: unknown[] }[];
      };
    };
    const env = Object.fromEntries(out.spec.containers[0]!.env.map((e) => [e.name, e.value]));
    expect(env).toEqual({
      AWS_REGION: "keep-me",
      AWS_ROLE_ARN: "arn:aws:iam::1:role/R",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
      AWS_STS_REGIONAL_ENDPOINTS: "regional",
      AWS_DEFAULT_REGION: "eu-west-1",
    });
    expect(out.spec.containers[0]!.volumeMounts).toEqual([
      {
        name: "aws-iam-token",
        mountPath: "/var/run/secrets/eks.amazonaws.com/serviceaccount",
        readOnly: true,
      },
    ]);
    expect(out.spec.initContainers[0]).toHaveProperty("volumeMounts");
    expect(out.spec.volumes).toEqual([
      {
        name: "aws-iam-token",
        projected: {
          defaultMode: 420,
          sources: [
            {
              serviceAccountToken: { audience: "sts.amazonaws.com", expirationSeconds: 86400, path: "token" },
            },
          ],
        },
      },
    ]);
    expect(pod.spec.containers[0]!.env).toHaveLength(1);
  });
  it("leaves pods of unannotated service accounts alone", () => {
    expect(injectPodIdentity(pod, sa({}), "eu-west-1")).toBe(pod);
    expect(injectPodIdentity(pod, undefined, "eu-west-1")).toBe(pod);
  });
  it("honours the audience annotation", () => {
    const out = injectPodIdentity(
      pod,
      sa({ "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/R", "eks.amazonaws.com/audience": "other" }),
      "r",
    );
    expect(JSON.stringify(out)).toContain('"audience":"other"');
  });
});
