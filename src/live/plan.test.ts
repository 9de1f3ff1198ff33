import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Config } from "../config/index.js";
import { parseConfigText } from "../config/index.js";
import { INLINE_POLICY_NAME, PREVIOUS_ROLE_ARN_ANNOTATION, ROLE_ARN_ANNOTATION } from "../names/index.js";
import type { JsonObject, KubeObject, State } from "../state/index.js";
import { desiredState } from "../topology/index.js";
import type { Change } from "./changes.js";
import { destroyDecisions, destroyPlan, rolesTrustingProvider } from "./destroy.js";
import { addedAnnotation, ownershipLabels, ownershipTags } from "./ownership.js";
import { OWNED_KINDS, plan } from "./plan.js";
import { workloadsOf } from "./workloads.js";

const ROOT = join(import.meta.dirname, "..", "..");
const config: Config = parseConfigText(readFileSync(join(ROOT, "examples", "multi-target.yaml"), "utf8"));
const STACK = config.name;
const workloads = workloadsOf(config);

function clone<T>(v: T): T {
  return structuredClone(v);
}

function pod(ns: string, name: string, labels: Record<string, string>, roleArn?: string): KubeObject {
  const owner = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    name: name.replace(/-[^-]+$/, ""),
    uid: "u",
    controller: true,
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels, ownerReferences: [owner] },
    spec: {
      serviceAccountName:
        labels["app.kubernetes.io/name"] ?? (ns === "krci" ? "edp-cd-pipeline-operator" : name),
      containers: [{ name: "main", env: roleArn ? [{ name: "AWS_ROLE_ARN", value: roleArn }] : [] }],
    },
  };
}

/** The workloads and install-time objects of cluster A before xirsa (what KubeRocketCI and Argo CD create). */
function installedSourceObjects(): KubeObject[] {
  return [
    ...["edp-cd-pipeline-operator"].map((n) => sa("krci", n)),
    ...config.source.argocd.serviceAccounts.map((n) => sa("argocd", n)),
    {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      metadata: { name: "krci", namespace: "argocd", resourceVersion: "7" },
      spec: {
        destinations: [{ namespace: "*", server: "https://kubernetes.default.svc" }],
        sourceRepos: ["*"],
      },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "krci-config", namespace: "krci" },
      data: { available_clusters: "in-cluster", edp_name: "krci" },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "cd-pipeline-operator", namespace: "krci" },
      spec: { selector: { matchLabels: { app: "cd-pipeline-operator" } } },
    },
    pod("krci", "cd-pipeline-operator-1", { app: "cd-pipeline-operator" }),
    ...config.source.argocd.serviceAccounts.map((n) =>
      pod("argocd", `${n}-0`, { "app.kubernetes.io/name": n }),
    ),
  ];
}

function sa(namespace: string, name: string, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
  };
}

/** Live State before any apply: the clusters exist with their installs, nothing of xirsa's. */
function freshLive(desired: State): State {
  return {
    roles: [],
    oidcProviders: clone(desired.oidcProviders),
    clusters: desired.clusters.map((c, i) => ({
      ...clone(c),
      accessEntries: [],
      objects: i === 0 ? installedSourceObjects() : [],
    })),
  };
}

/** Live State as a completed apply leaves it (IAM's own encoding quirks included). */
function appliedLive(desired: State): State {
  const live = freshLive(desired);
  live.roles = desired.roles.map((r, i) => ({
    ...clone(r),
    uniqueId: `AROA${String(i).padStart(17, "0")}`,
    tags: { ...r.tags, ...ownershipTags(STACK) },
    // IAM hands back its own key order and single-element lists as strings.
    trustPolicy: JSON.parse(JSON.stringify(r.trustPolicy).replace(/"Sid":"",/, "")) as JsonObject,
  }));
  live.clusters = desired.clusters.map((c, i) => {
    const objects: KubeObject[] =
      i === 0
        ? installedSourceObjects().map((o) => {
            const w = c.objects.find((d) => d.kind === o.kind && d.metadata.name === o.metadata.name);
            if (o.kind === "ServiceAccount" && w) {
              return {
                ...o,
                metadata: {
                  ...o.metadata,
                  annotations: {
                    ...w.metadata.annotations,
                    [PREVIOUS_ROLE_ARN_ANNOTATION]: "",
                    [addedAnnotation(STACK)]: JSON.stringify([ROLE_ARN_ANNOTATION]),
                  },
                },
              };
            }
            return o;
          })
        : [];
    if (i === 0) {
      const role = (n: string) =>
        c.objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === n)!.metadata.annotations![
          ROLE_ARN_ANNOTATION
        ]!;
      for (const o of objects) {
        if (o.kind === "Pod") {
          const saName = o.metadata.name.startsWith("cd-pipeline")
            ? "edp-cd-pipeline-operator"
            : o.metadata.labels!["app.kubernetes.io/name"]!;
          (o.spec as { containers: { env: unknown[] }[] }).containers[0]!.env = [
            { name: "AWS_ROLE_ARN", value: role(saName) },
          ];
        }
        if (o.kind === "AppProject") {
          const wantDest = (
            c.objects.find((x) => x.kind === "AppProject")!.spec as { destinations: unknown[] }
          ).destinations;
          (o.spec as { destinations: unknown[] }).destinations.push(...clone(wantDest));
          o.metadata.annotations = {
            [addedAnnotation(STACK)]: JSON.stringify(
              (wantDest as { server: string; namespace: string }[])
                .map((d) => `${d.server} ${d.namespace}`)
                .sort(),
            ),
          };
        }
        if (o.kind === "ConfigMap") {
          (o.data as Record<string, string>).available_clusters = "in-cluster, staging, prod";
          o.metadata.annotations = { [addedAnnotation(STACK)]: JSON.stringify(["prod", "staging"]) };
        }
      }
      for (const s of c.objects.filter((x) => x.kind === "Secret")) objects.push(clone(s));
    } else {
      for (const o of c.objects) {
        const copy = clone(o);
        if (OWNED_KINDS.includes(o.kind))
          copy.metadata.labels = { ...o.metadata.labels, ...ownershipLabels(STACK) };
        objects.push(copy);
      }
    }
    return {
      ...clone(c),
      accessEntries: c.accessEntries.map((e) => ({
        ...clone(e),
        tags: ownershipTags(STACK),
        principalId: live.roles.find((r) => r.arn === e.principalArn)!.uniqueId!,
      })),
      objects,
    };
  });
  return live;
}

function summary(changes: Change[]): string[] {
  return changes.map((c) => `${c.step} ${c.action} ${c.kind} ${c.id}${c.blocked ? " BLOCKED" : ""}`);
}

describe("plan", () => {
  const desired = desiredState(config).state;

  it("is empty when live equals desired, despite IAM's key order, string-vs-list and missing empty Sid", () => {
    expect(plan({ desired, live: appliedLive(desired), stack: STACK, workloads })).toEqual([]);
  });

  it("creates everything in apply order on a fresh pair of accounts", () => {
    const changes = plan({ desired, live: freshLive(desired), stack: STACK, workloads });
    const steps = changes.map((c) => c.step);
    const order = [
      "source-roles",
      "target-roles",
      "inline-policies",
      "access-entries",
      "service-accounts",
      "restarts",
      "appproject",
      "cluster-secrets",
      "available-clusters",
      "target-objects",
    ];
    expect([...new Set(steps)]).toEqual(order);
    expect(changes.filter((c) => c.kind === "IamRole" && c.action === "create")).toHaveLength(6);
    expect(changes.filter((c) => c.kind === "InlinePolicy")).toHaveLength(2);
    // staging: two entries with cluster-admin; prod (Capsule): operator entry has no policy, argo has one
    expect(changes.filter((c) => c.kind === "AccessEntry")).toHaveLength(4);
    expect(changes.filter((c) => c.kind === "AccessPolicyAssociation")).toHaveLength(3);
    expect(changes.filter((c) => c.kind === "ServiceAccount")).toHaveLength(4);
    expect(changes.filter((c) => c.step === "restarts").map((c) => c.id)).toEqual([
      "krci/cd-pipeline-operator",
      "argocd/serviceaccount=argocd-application-controller",
      "argocd/serviceaccount=argocd-applicationset-controller",
      "argocd/serviceaccount=argocd-server",
    ]);
    expect(changes.some((c) => c.blocked)).toBe(false);
    // The AppProject merge keeps the destination that was there and remembers only what xirsa added.
    const project = changes.find((c) => c.kind === "AppProject")!;
    const op = project.ops[0]!;
    expect(op.type).toBe("kube.patch");
    const patch = (
      op as unknown as { patch: { spec: { destinations: { server: string }[] }; metadata: JsonObject } }
    ).patch;
    expect(patch.spec.destinations.map((d) => d.server)).toEqual([
      "https://kubernetes.default.svc",
      config.targets[0]!.endpoint,
      config.targets[1]!.endpoint,
    ]);
    expect(
      JSON.parse((patch.metadata.annotations as Record<string, string>)[addedAnnotation(STACK)]!),
    ).toHaveLength(2);
    expect(patch.metadata.resourceVersion).toBe("7");
    const cm = changes.find((c) => c.kind === "ConfigMap")!;
    expect(cm.diff).toContain("in-cluster");
    expect(JSON.stringify(cm.ops[0])).toContain('"available_clusters":"in-cluster, staging, prod"');
  });

  it("blocks a missing OIDC provider unless --create-oidc-provider", () => {
    const live = appliedLive(desired);
    live.oidcProviders = [];
    const blocked = plan({ desired, live, stack: STACK, workloads });
    expect(summary(blocked)).toEqual([
      `oidc-provider create OidcProvider ${desired.oidcProviders[0]!.arn} BLOCKED`,
    ]);
    expect(blocked[0]!.blocked!.fix).toContain("--create-oidc-provider");
    const allowed = plan({ desired, live, stack: STACK, workloads, createOidcProvider: true });
    expect(allowed[0]!.blocked).toBeUndefined();
    expect(allowed[0]!.ops[0]).toMatchObject({
      type: "oidc.create",
      provider: { clientIds: ["sts.amazonaws.com"] },
    });
  });

  it("adds the operator's group to the CapsuleConfiguration in the form the installed Capsule reads", () => {
    const capsulePatch = (spec: JsonObject) => {
      const live = appliedLive(desired);
      const prod = live.clusters.find((c) => c.objects.some((o) => o.kind === "CapsuleConfiguration"))!;
      prod.objects = prod.objects.map((o) =>
        o.kind === "CapsuleConfiguration" ? { ...o, metadata: { name: "default" }, spec } : o,
      );
      const changes = plan({ desired, live, stack: STACK, workloads });
      const c = changes.filter((x) => x.kind === "CapsuleConfiguration");
      expect(c).toHaveLength(1);
      return (c[0]!.ops[0] as unknown as { patch: { spec: JsonObject } }).patch.spec;
    };
    // Capsule < 0.12 (the deprecated list only): the group goes into userGroups, with that version's default.
    expect(capsulePatch({ userGroups: ["capsule.clastix.io"] })).toEqual({
      userGroups: ["capsule.clastix.io", "cd-pipeline-operator"],
    });
    // Capsule >= 0.12 (its chart writes users): a Group entry, everyone else's entries kept.
    expect(
      capsulePatch({
        users: [
          { kind: "Group", name: "projectcapsule.dev" },
          { kind: "User", name: "alice" },
        ],
      }),
    ).toEqual({
      users: [
        { kind: "Group", name: "projectcapsule.dev" },
        { kind: "User", name: "alice" },
        { kind: "Group", name: "cd-pipeline-operator" },
      ],
    });
  });

  it("lists exactly the drift: a changed trust policy, a deleted access entry, a removed annotation", () => {
    const live = appliedLive(desired);
    const agent = live.roles.find(
      (r) => r.name.endsWith("CDPipelineAgent") && r.accountId === "222222222222",
    )!;
    agent.trustPolicy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" },
      ],
    };
    const staging = live.clusters[1]!;
    const removed = staging.accessEntries.shift()!;
    const argoSa = live.clusters[0]!.objects.find(
      (o) => o.metadata.name === "argocd-server" && o.kind === "ServiceAccount",
    )!;
    delete argoSa.metadata.annotations![ROLE_ARN_ANNOTATION];
    const changes = plan({ desired, live, stack: STACK, workloads });
    expect(summary(changes)).toEqual([
      `target-roles update IamRole ${agent.arn}`,
      `access-entries create AccessEntry ${removed.principalArn}`,
      `access-entries create AccessPolicyAssociation ${removed.principalArn} AmazonEKSClusterAdminPolicy`,
      "service-accounts update ServiceAccount argocd/argocd-server",
      "restarts update Pod argocd/serviceaccount=argocd-server",
    ]);
    const trust = changes[0]!;
    // Semantically: the statement trusting 999999999999 goes, the one trusting the source role comes.
    expect(trust.diff).toContain("- statement 0: Allow sts:AssumeRole by AWS arn:aws:iam::999999999999:root");
    expect(trust.diff).toContain(`+ statement 0: Allow sts:AssumeRole by AWS ${desired.roles[0]!.arn}`);
    // --full: the complete line diff of the documents.
    expect(trust.full).toContain('-           "arn:aws:iam::999999999999:root"');
    expect(trust.full).toContain(`+           "${desired.roles[0]!.arn}"`);
    expect(trust.full).toContain('"Version": "2012-10-17"');
    // The previous value recorded stays the pre-xirsa one (empty), not the hand-made removal.
    expect(JSON.stringify(changes[3]!.ops[0])).toContain(`"${PREVIOUS_ROLE_ARN_ANNOTATION}":""`);
  });

  it("treats a URL-decoded, re-ordered, string-for-list policy as equal", () => {
    const live = appliedLive(desired);
    const op = live.roles[0]!;
    const doc = op.inlinePolicies[INLINE_POLICY_NAME]!;
    const st = (doc.Statement as JsonObject[])[0]!;
    op.inlinePolicies[INLINE_POLICY_NAME] = {
      Statement: [
        {
          Resource: Array.isArray(st.Resource) ? st.Resource : [st.Resource!],
          Effect: "Allow",
          Action: ["sts:AssumeRole"],
        },
      ],
      Version: "2012-10-17",
    };
    expect(plan({ desired, live, stack: STACK, workloads })).toEqual([]);
  });

  it("refuses to overwrite a same-named role xirsa does not own, unless --adopt", () => {
    const live = appliedLive(desired);
    const role = live.roles[1]!;
    role.tags = { owner: "someone" };
    // Identical content, not owned: left alone, nothing to do.
    expect(plan({ desired, live, stack: STACK, workloads })).toEqual([]);
    (role.trustPolicy.Statement as JsonObject[])[0]!.Action = "sts:TagSession";
    const refused = plan({ desired, live, stack: STACK, workloads });
    expect(summary(refused)).toEqual([`source-roles update IamRole ${role.arn} BLOCKED`]);
    expect(refused[0]!.blocked!.adoptable).toBe(true);
    const adopted = plan({ desired, live, stack: STACK, workloads, adopt: true });
    expect(adopted[0]!.blocked).toBeUndefined();
    expect(adopted[0]!.ops[0]).toMatchObject({
      type: "role.update",
      trust: true,
      tags: ownershipTags(STACK),
    });
  });

  it("re-creates an access entry bound to an earlier role with the same name", () => {
    const live = appliedLive(desired);
    live.clusters[2]!.accessEntries[1]!.principalId = "AROAOLDOLDOLDOLDOLD01";
    const changes = plan({ desired, live, stack: STACK, workloads });
    expect(summary(changes)).toEqual([
      `access-entries update AccessEntry ${live.clusters[2]!.accessEntries[1]!.principalArn}`,
    ]);
    expect(changes[0]!.ops.map((o) => o.type)).toEqual(["entry.delete", "entry.create", "assoc.put"]);
  });

  it("restarts pods created before the annotation even when the annotation is already right", () => {
    const live = appliedLive(desired);
    const p = live.clusters[0]!.objects.find((o) => o.kind === "Pod" && o.metadata.namespace === "krci")!;
    (p.spec as { containers: { env: unknown[] }[] }).containers[0]!.env = [];
    const changes = plan({ desired, live, stack: STACK, workloads });
    expect(summary(changes)).toEqual(["restarts update Deployment krci/cd-pipeline-operator"]);
    expect(changes[0]!.diff).toContain("1 of 1 pod(s)");
  });

  it("will not restart by deleting a pod that no controller recreates", () => {
    const live = appliedLive(desired);
    const p = live.clusters[0]!.objects.find(
      (o) => o.kind === "Pod" && o.metadata.name === "argocd-server-0",
    )!;
    delete p.metadata.ownerReferences;
    (p.spec as { containers: { env: unknown[] }[] }).containers[0]!.env = [];
    const changes = plan({ desired, live, stack: STACK, workloads });
    expect(summary(changes)).toEqual(["restarts update Pod argocd/serviceaccount=argocd-server BLOCKED"]);
    expect(changes[0]!.blocked!.reason).toContain("argocd/argocd-server-0 has no controller");
  });

  it("prunes owned objects and entries the config no longer wants, and never unowned ones", () => {
    const live = appliedLive(desired);
    const extra: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "cluster-old", namespace: "argocd", labels: ownershipLabels(STACK) },
      data: {},
    };
    const foreign: KubeObject = {
      ...clone(extra),
      metadata: { name: "cluster-other", namespace: "argocd", labels: ownershipLabels("other") },
    };
    live.clusters[0]!.objects.push(extra, foreign);
    const changes = plan({ desired, live, stack: STACK, workloads });
    expect(summary(changes)).toEqual(["prune delete Secret argocd/cluster-old"]);
  });

  it("never prints a differing value of a same-named Secret it does not own", () => {
    const live = appliedLive(desired);
    const s = live.clusters[0]!.objects.find(
      (o) => o.kind === "Secret" && o.metadata.name === "cluster-staging",
    )!;
    s.metadata.labels = { "argocd.argoproj.io/secret-type": "cluster" };
    (s.data as Record<string, string>).config = Buffer.from('{"bearerToken":"s3cr3t-value"}').toString(
      "base64",
    );
    const changes = plan({ desired, live, stack: STACK, workloads });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.blocked?.adoptable).toBe(true);
    expect(changes[0]!.diff).not.toContain("s3cr3t");
    expect(changes[0]!.diff).toContain("a different value");
    expect(changes[0]!.diff).toContain("roleARN");
  });

  it("keeps other teams' destinations and available clusters, removing only what xirsa added", () => {
    const smaller = desiredState({ ...config, targets: [config.targets[0]!] }).state;
    const live = appliedLive(desired);
    const changes = plan({ desired: smaller, live, stack: STACK, workloads });
    const project = changes.find((c) => c.kind === "AppProject")!;
    const patch = (project.ops[0] as unknown as { patch: { spec: { destinations: { server: string }[] } } })
      .patch;
    expect(patch.spec.destinations.map((d) => d.server)).toEqual([
      "https://kubernetes.default.svc",
      config.targets[0]!.endpoint,
    ]);
    const cm = changes.find((c) => c.kind === "ConfigMap")!;
    expect(JSON.stringify(cm.ops[0])).toContain('"available_clusters":"in-cluster, staging"');
    expect(changes.filter((c) => c.step === "prune").map((c) => `${c.kind} ${c.id}`)).toEqual([
      "Secret argocd/cluster-prod",
      "Secret krci/prod-cluster",
    ]);
  });
});

describe("plan never prints a Secret's live values", () => {
  it("shows only the keys of an owned Secret it prunes", () => {
    const desired = desiredState(config).state;
    const live = appliedLive(desired);
    const secret = "BEARER_SECRET_PRUNE_123";
    live.clusters[0]!.objects.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "cluster-old", namespace: "argocd", labels: ownershipLabels(STACK) },
      data: { config: Buffer.from(JSON.stringify({ bearerToken: secret })).toString("base64") },
    });
    const prune = plan({ desired, live, stack: STACK, workloads }).find((c) => c.id === "argocd/cluster-old");
    expect(prune?.action).toBe("delete");
    expect(prune!.diff).toContain("config");
    expect(JSON.stringify(prune)).not.toContain(secret);
    expect(JSON.stringify(prune)).not.toContain(
      Buffer.from(JSON.stringify({ bearerToken: secret })).toString("base64"),
    );
  });
});

describe("drift in owned Secrets", () => {
  it("a key added by hand to an owned Secret is shown by name (never its value) and removed by apply", () => {
    const desired = desiredState(config).state;
    const live = appliedLive(desired);
    expect(plan({ desired, live, stack: STACK, workloads })).toEqual([]);
    const s = live.clusters[0]!.objects.find(
      (o) => o.kind === "Secret" && o.metadata.name === "cluster-prod",
    )!;
    s.metadata.labels = { ...s.metadata.labels, ...ownershipLabels(STACK) };
    const value = Buffer.from("HAND_ADDED_SECRET_VALUE").toString("base64");
    (s.data as Record<string, string>).bearerToken = value;
    const changes = plan({ desired, live, stack: STACK, workloads });
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.id}`)).toEqual([
      "update Secret argocd/cluster-prod",
    ]);
    expect(changes[0]!.diff).toContain("data keys not from xirsa: bearerToken; apply removes them");
    expect(JSON.stringify(changes)).not.toContain("HAND_ADDED_SECRET_VALUE");
    expect(JSON.stringify(changes)).not.toContain(value);
    expect(JSON.stringify(changes[0]!.ops[0])).toContain('"bearerToken":null');
  });
});

describe("destroyPlan", () => {
  const desired = desiredState(config).state;

  it("removes only what the stack owns or added, restoring ServiceAccounts, in reverse order", () => {
    const live = appliedLive(desired);
    // Someone else's: a role of another stack, an unowned Secret, a pre-existing annotation on one SA.
    live.roles.push({
      ...clone(live.roles[0]!),
      name: "other",
      arn: "arn:aws:iam::111111111111:role/other",
      tags: ownershipTags("other"),
    });
    live.clusters[0]!.objects.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "x", namespace: "argocd" },
      data: {},
    });
    const opSa = live.clusters[0]!.objects.find(
      (o) => o.kind === "ServiceAccount" && o.metadata.namespace === "krci",
    )!;
    opSa.metadata.annotations![PREVIOUS_ROLE_ARN_ANNOTATION] = "arn:aws:iam::111111111111:role/before-xirsa";
    const changes = destroyPlan({ live, stack: STACK, workloads });
    expect([...new Set(changes.map((c) => c.step))]).toEqual([
      "target-objects",
      "available-clusters",
      "cluster-secrets",
      "appproject",
      "service-accounts",
      "restarts",
      "access-entries",
      "target-roles",
      "source-roles",
    ]);
    expect(changes.filter((c) => c.kind === "IamRole").map((c) => c.id)).not.toContain(
      "arn:aws:iam::111111111111:role/other",
    );
    expect(changes.filter((c) => c.kind === "IamRole")).toHaveLength(6);
    expect(
      changes
        .filter((c) => c.kind === "Secret")
        .map((c) => c.id)
        .sort(),
    ).toEqual(["argocd/cluster-prod", "argocd/cluster-staging", "krci/prod-cluster", "krci/staging-cluster"]);
    const restore = changes.find(
      (c) => c.kind === "ServiceAccount" && c.id === "krci/edp-cd-pipeline-operator",
    )!;
    expect(restore.ops[0]).toMatchObject({
      patch: {
        metadata: {
          annotations: {
            [ROLE_ARN_ANNOTATION]: "arn:aws:iam::111111111111:role/before-xirsa",
            [PREVIOUS_ROLE_ARN_ANNOTATION]: null,
          },
        },
      },
    });
    const restart = changes.find((c) => c.id === "krci/cd-pipeline-operator")!;
    expect(restart.ops[0]).toMatchObject({
      type: "restart",
      roleArn: "arn:aws:iam::111111111111:role/before-xirsa",
    });
    const cm = changes.find((c) => c.kind === "ConfigMap")!;
    expect(JSON.stringify(cm.ops[0])).toContain('"available_clusters":"in-cluster"');
    // The provider was not created by xirsa (no tags): it stays.
    expect(changes.some((c) => c.kind === "OidcProvider")).toBe(false);
  });

  it("has nothing to do where xirsa owns nothing", () => {
    expect(destroyPlan({ live: freshLive(desired), stack: STACK, workloads })).toEqual([]);
  });
});

describe("destroy keeps what others still use (issue 11 item 3)", () => {
  const desired = desiredState(config).state;
  const other = "arn:aws:iam::111111111111:role/other-team-irsa";

  /** Applied by this stack, with the OIDC provider created (and tagged) by it. */
  function ownedProviderLive(): State {
    const live = appliedLive(desired);
    live.oidcProviders = live.oidcProviders.map((p) => ({ ...p, tags: ownershipTags(STACK) }));
    return live;
  }
  const trusting = (arn: string, providerArn: string) => ({
    arn,
    trustPolicy: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Federated: providerArn }, Action: "sts:AssumeRoleWithWebIdentity" },
      ],
    },
  });

  it("keeps the OIDC provider while a role of another stack or a human trusts it, and names the role", () => {
    const live = ownedProviderLive();
    const p = live.oidcProviders[0]!;
    const ownRoles = live.roles.map((r) => ({ arn: r.arn, trustPolicy: r.trustPolicy }));
    const input = { live, stack: STACK, workloads, desired };
    const changes = destroyPlan({
      ...input,
      accountRoles: { [p.arn]: [...ownRoles, trusting(other, p.arn)] },
    });
    expect(changes.some((c) => c.kind === "OidcProvider")).toBe(false);
    const { kept } = destroyDecisions({
      ...input,
      accountRoles: { [p.arn]: [...ownRoles, trusting(other, p.arn)] },
    });
    expect(kept.find((k) => k.kind === "OidcProvider")).toMatchObject({ id: p.arn });
    expect(kept.find((k) => k.kind === "OidcProvider")!.reason).toContain(other);
    // Only this stack's own roles trust it: it goes, after them.
    const alone = destroyPlan({ ...input, accountRoles: { [p.arn]: ownRoles } });
    expect(alone.at(-1)).toMatchObject({ kind: "OidcProvider", id: p.arn, action: "delete" });
  });

  it("finds trust through a Federated list and ignores roles being deleted and other providers", () => {
    const arn = "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/A";
    const roles = [
      trusting("arn:aws:iam::111111111111:role/mine", arn),
      trusting("arn:aws:iam::111111111111:role/elsewhere", `${arn}B`),
      {
        arn: "arn:aws:iam::111111111111:role/listed",
        trustPolicy: { Statement: { Principal: { Federated: ["x", arn] } } },
      },
    ];
    expect(rolesTrustingProvider(arn, roles, new Set(["arn:aws:iam::111111111111:role/mine"]))).toEqual([
      "arn:aws:iam::111111111111:role/listed",
    ]);
  });

  it("leaves a ServiceAccount annotation that someone re-pointed after apply, and does not restart its pods", () => {
    const live = appliedLive(desired);
    const sa = live.clusters[0]!.objects.find(
      (o) => o.kind === "ServiceAccount" && o.metadata.namespace === "krci",
    )!;
    sa.metadata.annotations![PREVIOUS_ROLE_ARN_ANNOTATION] = "arn:aws:iam::111111111111:role/before-xirsa";
    sa.metadata.annotations![ROLE_ARN_ANNOTATION] = other;
    const changes = destroyPlan({ live, stack: STACK, workloads, desired });
    expect(changes.find((c) => c.kind === "ServiceAccount" && c.id === "krci/edp-cd-pipeline-operator")).toBe(
      undefined,
    );
    expect(changes.find((c) => c.id === "krci/cd-pipeline-operator")).toBe(undefined);
    // The other ServiceAccounts still hold this stack's roles: restored as before.
    expect(changes.filter((c) => c.kind === "ServiceAccount").length).toBeGreaterThan(0);
    const { kept } = destroyDecisions({ live, stack: STACK, workloads, desired });
    expect(kept).toContainEqual(
      expect.objectContaining({ kind: "ServiceAccount", id: "krci/edp-cd-pipeline-operator" }),
    );
    expect(kept.find((k) => k.kind === "ServiceAccount")!.reason).toContain(other);
  });

  it("takes out of shared lists only the items no other stack also recorded", () => {
    const live = appliedLive(desired);
    const objects = live.clusters[0]!.objects;
    const project = objects.find((o) => o.kind === "AppProject")!;
    const mine = JSON.parse(project.metadata.annotations![addedAnnotation(STACK)]!) as string[];
    project.metadata.annotations![addedAnnotation("team-b")] = JSON.stringify([mine[0]]);
    const cm = objects.find((o) => o.kind === "ConfigMap")!;
    cm.metadata.annotations![addedAnnotation("team-b")] = JSON.stringify(["prod"]);
    const changes = destroyPlan({ live, stack: STACK, workloads, desired });
    const key = (d: { server?: string; namespace?: string }) => `${d.server} ${d.namespace}`;
    const patched = changes.find((c) => c.kind === "AppProject")!.ops[0] as unknown as {
      patch: { spec: { destinations: { server: string; namespace: string }[] } };
    };
    const left = patched.patch.spec.destinations.map(key);
    expect(left).toContain(mine[0]);
    for (const k of mine.slice(1)) expect(left).not.toContain(k);
    expect(JSON.stringify(changes.find((c) => c.kind === "ConfigMap")!.ops[0])).toContain(
      '"available_clusters":"in-cluster, prod"',
    );
    const { kept } = destroyDecisions({ live, stack: STACK, workloads, desired });
    expect(kept.map((k) => `${k.kind} ${k.reason}`)).toEqual([
      "AppProject xirsa stack 'team-b' also lists it",
      "ConfigMap xirsa stack 'team-b' also lists it",
    ]);
  });
});

describe("several stacks in one source cluster (issue 17 §3)", () => {
  const desired = desiredState(config).state;
  const configB: Config = { ...config, name: "team-b" };
  const desiredB = desiredState(configB).state;
  const workloadsB = workloadsOf(configB);
  const planB = (live: State, adopt?: boolean) =>
    plan({ desired: desiredB, live, stack: "team-b", workloads: workloadsB, ...(adopt ? { adopt } : {}) });
  const opSa = (live: State) =>
    live.clusters[0]!.objects.find((o) => o.kind === "ServiceAccount" && o.metadata.namespace === "krci")!;

  it("blocks re-pointing another stack's ServiceAccount annotation, naming the stack; --adopt takes it over", () => {
    const live = appliedLive(desired);
    const changes = planB(live);
    const sas = changes.filter((c) => c.kind === "ServiceAccount");
    expect(sas).toHaveLength(4);
    for (const c of sas) {
      expect(c.blocked).toMatchObject({ adoptable: true });
      expect(c.blocked!.reason).toContain(`was set by xirsa stack '${STACK}'`);
      expect(c.blocked!.fix).toContain("--adopt");
    }
    // Nothing restarts behind a blocked annotation.
    expect(changes.filter((c) => c.step === "restarts")).toEqual([]);

    const adopted = planB(live, true);
    const op = adopted.find((c) => c.id === "krci/edp-cd-pipeline-operator")!;
    expect(op.blocked).toBeUndefined();
    const roleB = desiredB.clusters[0]!.objects.find(
      (o) => o.kind === "ServiceAccount" && o.metadata.namespace === "krci",
    )!.metadata.annotations![ROLE_ARN_ANNOTATION]!;
    expect(op.ops[0]).toMatchObject({
      patch: {
        metadata: {
          annotations: {
            [ROLE_ARN_ANNOTATION]: roleB,
            [PREVIOUS_ROLE_ARN_ANNOTATION]: "",
            [addedAnnotation("team-b")]: JSON.stringify([ROLE_ARN_ANNOTATION]),
            [addedAnnotation(STACK)]: null,
          },
        },
      },
    });
    expect(adopted.some((c) => c.id === "krci/cd-pipeline-operator" && c.step === "restarts")).toBe(true);
  });

  it("blocks relying on another stack's AppProject destination; --adopt records it as shared", () => {
    const live = appliedLive(desired);
    const project = planB(live).find((c) => c.kind === "AppProject")!;
    expect(project.blocked!.reason).toContain(
      `'${config.targets[0]!.endpoint} ${config.targets[0]!.namespaces}'`,
    );
    expect(project.blocked!.reason).toContain(`xirsa stack '${STACK}'`);
    const adopted = planB(live, true).find((c) => c.kind === "AppProject")!;
    expect(adopted.blocked).toBeUndefined();
    const ann = (
      adopted.ops[0] as unknown as { patch: { metadata: { annotations: Record<string, string> } } }
    ).patch.metadata.annotations;
    expect(JSON.parse(ann[addedAnnotation("team-b")]!)).toHaveLength(2);
    // Stack one's own record stays: it still lists the destinations too.
    expect(ann[addedAnnotation(STACK)]).toBeUndefined();
  });

  it("blocks an object another stack owns even when it equals the desired one", () => {
    const live = appliedLive(desired);
    const prod = live.clusters.find((c) => c.name === "workloads-prod")!;
    const role = prod.objects.find((o) => o.kind === "Tenant")!;
    const wantB = desiredB.clusters.find((c) => c.name === "workloads-prod")!;
    const same = wantB.objects.find((o) => o.kind === role.kind && o.metadata.name === role.metadata.name);
    expect(same).toBeDefined();
    const c = planB(live).find((x) => x.kind === "Tenant" && x.id === role.metadata.name)!;
    expect(c.blocked!.reason).toContain(`set by xirsa stack '${STACK}'`);
    expect(planB(live, true).find((x) => x.kind === "Tenant" && x.id === role.metadata.name)!.blocked).toBe(
      undefined,
    );
  });

  it("records ownership on a ServiceAccount applied before the record existed, without restarting", () => {
    const live = appliedLive(desired);
    for (const o of live.clusters[0]!.objects)
      if (o.kind === "ServiceAccount") delete o.metadata.annotations![addedAnnotation(STACK)];
    const changes = plan({ desired, live, stack: STACK, workloads });
    expect(summary(changes)).toEqual(
      [
        "krci/edp-cd-pipeline-operator",
        ...config.source.argocd.serviceAccounts.map((n) => `argocd/${n}`),
      ].map((id) => `service-accounts update ServiceAccount ${id}`),
    );
    expect(changes[0]!.diff).toBe(`+ ${addedAnnotation(STACK)}: ["${ROLE_ARN_ANNOTATION}"]`);
  });

  it("a CapsuleConfiguration one stack created records its groups; destroy hands it over to a stack that added more", () => {
    const created = plan({ desired, live: freshLive(desired), stack: STACK, workloads }).find(
      (c) => c.kind === "CapsuleConfiguration",
    )!;
    const object = (created.ops[0] as { object: KubeObject }).object;
    // Capsule >= 0.12's spec.users (the default form): a Group entry is keyed by its name.
    expect(JSON.parse(object.metadata.annotations![addedAnnotation(STACK)]!)).toEqual([
      "cd-pipeline-operator",
      "projectcapsule.dev",
    ]);
    // Stack two wants the same group: BLOCKED naming stack one.
    const live = appliedLive(desired);
    const prod = live.clusters.find((c) => c.name === "workloads-prod")!;
    const cc = prod.objects.find((o) => o.kind === "CapsuleConfiguration")!;
    cc.metadata.annotations = { ...object.metadata.annotations };
    expect(planB(live).find((c) => c.kind === "CapsuleConfiguration")!.blocked!.reason).toContain(
      "'cd-pipeline-operator'",
    );
    // Stack two recorded another group: stack one's destroy keeps the object and hands it over.
    (cc.spec as { users: { kind: string; name: string }[] }).users.push({
      kind: "Group",
      name: "team-b-group",
    });
    cc.metadata.annotations[addedAnnotation("team-b")] = JSON.stringify(["team-b-group"]);
    const { changes, kept } = destroyDecisions({ live, stack: STACK, workloads, desired });
    const c = changes.find((x) => x.kind === "CapsuleConfiguration")!;
    expect(c.action).toBe("update");
    expect(c.ops[0]).toMatchObject({
      type: "kube.patch",
      patch: {
        spec: { users: [{ kind: "Group", name: "team-b-group" }] },
        metadata: { labels: { "xirsa.io/stack": "team-b" }, annotations: { [addedAnnotation(STACK)]: null } },
      },
    });
    expect(kept.find((k) => k.kind === "CapsuleConfiguration")!.reason).toContain(
      "handed over to stack 'team-b'",
    );
  });

  it("destroy leaves a ServiceAccount another stack took over to that stack", () => {
    const live = appliedLive(desired);
    const sa = opSa(live);
    delete sa.metadata.annotations![addedAnnotation(STACK)];
    sa.metadata.annotations![addedAnnotation("team-b")] = JSON.stringify([ROLE_ARN_ANNOTATION]);
    const { changes, kept } = destroyDecisions({ live, stack: STACK, workloads, desired });
    expect(changes.find((c) => c.id === "krci/edp-cd-pipeline-operator")).toBeUndefined();
    expect(kept.find((k) => k.id === "krci/edp-cd-pipeline-operator")!.reason).toContain(
      "belongs to xirsa stack 'team-b'",
    );
    // Its own ServiceAccounts are restored and their record removed.
    const argo = changes.find((c) => c.kind === "ServiceAccount")!;
    expect(JSON.stringify(argo.ops[0])).toContain(`"${addedAnnotation(STACK)}":null`);
  });
});
