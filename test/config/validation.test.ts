/**
 * What the schema refuses before anything is rendered or changed (issue 11 items 4 and 8): system:* groups,
 * tags IAM would refuse or that xirsa owns, namespace patterns covering default or kube-*, CA data that is no
 * certificate, a permissions boundary that is not a policy ARN.
 */
import { describe, expect, it } from "vitest";
import { parseConfig, parseConfigText } from "../../src/config/load.js";

const CA = Buffer.from(
  "-----BEGIN CERTIFICATE-----\nMIIBfzCCASWgAwIBAgIUbm3JzzuJOKyTHHP8UX3H/df8a3YwCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n",
).toString("base64");

// biome-ignore lint/suspicious/noExplicitAny: edits of a plain config document, past the types on purpose
type Doc = Record<string, any>;

function config(edit: (c: Doc) => void = () => {}): unknown {
  const c: Doc = {
    name: "dev",
    source: { accountId: "111111111111", region: "eu-central-1", cluster: "main" },
    targets: [{ name: "prod", accountId: "222222222222", region: "eu-west-1", cluster: "prod" }],
  };
  edit(c);
  return c;
}

function refused(edit: (c: Doc) => void): string {
  try {
    parseConfig(config(edit));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("accepted");
}

describe("system:* groups are refused in every group field", () => {
  for (const g of ["system:unauthenticated", "system:authenticated", "system:masters", "System:Nodes"]) {
    it(g, () => {
      expect(
        refused((c) => {
          c.source.krci = { oidcGroups: ["admins", g] };
        }),
      ).toMatch(/^config: source\.krci\.oidcGroups\[1\]: system:\* groups are Kubernetes' own/);
      expect(
        refused((c) => {
          c.targets[0].capsule = { group: g };
        }),
      ).toMatch(/^config: targets\[0\]\.capsule\.group: system:\* groups/);
    });
  }
  it("group names: no control, bidi or look-alike characters", () => {
    for (const g of ["a\u0007b", "admins\u202e", "аdmins" /* Cyrillic а */, "a b"]) {
      expect(
        refused((c) => {
          c.source.krci = { oidcGroups: [g] };
        }),
      ).toMatch(/oidcGroups\[0\]: expected a group name/);
    }
  });
});

describe("tags", () => {
  it("at most 48 (IAM's 50 less xirsa's 2), refused before anything is created", () => {
    const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));
    expect(
      refused((c) => {
        c.tags = tags;
      }),
    ).toMatch(/^config: tags: 49 tags; at most 48/);
    delete tags.k0;
    expect(() => parseConfig(config((c) => (c.tags = tags)))).not.toThrow();
  });
  for (const [key, why] of [
    ["aws:team", /aws: are AWS's/],
    ["AWS:team", /aws: are AWS's/],
    ["xirsa.io/stack", /xirsa\.io\/\* tags are set by xirsa/],
    ["__proto__", /choose another tag key/],
    ["constructor", /choose another tag key/],
    ['a"b', /tag keys may hold/],
    ["x".repeat(129), /1-128 characters/],
  ] as const) {
    it(`refuses key ${key.slice(0, 20)}`, () => {
      expect(
        refused((c) => {
          c.tags = JSON.parse(`{${JSON.stringify(key)}: "v"}`);
        }),
      ).toMatch(why);
    });
  }
  it("a __proto__ key in YAML is refused too", () => {
    const text =
      "name: dev\ntags:\n  __proto__: x\nsource: {accountId: '111111111111', region: eu-central-1, cluster: main}\ntargets: [{name: p, accountId: '222222222222', region: eu-west-1, cluster: p}]\n";
    expect(() => parseConfigText(text)).toThrow(/tags\.__proto__: choose another tag key/);
  });
});

describe("namespace patterns", () => {
  for (const p of ["default", "kube-system", "kube-*", "kub*", "k*", "de*", "kube-foo", "ab*"]) {
    it(`refuses ${p}`, () => {
      expect(
        refused((c) => {
          c.targets[0].namespaces = p;
        }),
      ).toMatch(/^config: targets\[0\]\.namespaces: '.*' covers /);
    });
  }
  for (const p of ["krci-*", "team-a", "apps*", "kub-apps"]) {
    it(`accepts ${p}`, () => {
      expect(() => parseConfig(config((c) => (c.targets[0].namespaces = p)))).not.toThrow();
    });
  }
});

describe("targets[].extraResources and capsule.usersForm", () => {
  it("accepts custom resources with or without verbs, and defaults to none", () => {
    const c = parseConfig(
      config((d) => {
        d.targets[0].extraResources = [
          { apiGroup: "monitoring.coreos.com", resources: ["servicemonitors", "podmonitors"] },
          { apiGroup: "external-secrets.io", resources: ["externalsecrets"], verbs: ["get", "create"] },
        ];
      }),
    );
    expect(c.targets[0]!.extraResources).toHaveLength(2);
    expect(parseConfig(config()).targets[0]!.extraResources).toEqual([]);
  });
  it("refuses a core group, an upper-case plural, an unknown verb and an empty list, naming the field", () => {
    const set = (e: unknown) => (c: Doc) => {
      c.targets[0].extraResources = [e];
    };
    expect(refused(set({ apiGroup: "", resources: ["pods"] }))).toMatch(
      /^config: targets\[0\]\.extraResources\[0\]\.apiGroup: expected the API group of a custom resource/,
    );
    expect(refused(set({ apiGroup: "monitoring.coreos.com", resources: ["ServiceMonitor"] }))).toMatch(
      /targets\[0\]\.extraResources\[0\]\.resources\[0\]: expected a resource's plural name/,
    );
    expect(
      refused(
        set({ apiGroup: "monitoring.coreos.com", resources: ["servicemonitors"], verbs: ["escalate"] }),
      ),
    ).toMatch(/verbs\[0\]: expected verbs among get, list/);
    expect(refused(set({ apiGroup: "monitoring.coreos.com", resources: [] }))).toMatch(
      /name at least one resource/,
    );
  });
  it("capsule.usersForm is users (Capsule >= 0.12) by default, userGroups on request, nothing else", () => {
    const cap = (form?: string) =>
      config((c) => {
        c.targets[0].capsule = form ? { usersForm: form } : {};
      });
    expect(parseConfig(cap()).targets[0]!.capsule!.usersForm).toBe("users");
    expect(parseConfig(cap("userGroups")).targets[0]!.capsule!.usersForm).toBe("userGroups");
    expect(() => parseConfig(cap("groups"))).toThrow(/expected 'users' \(Capsule >= 0.12\) or 'userGroups'/);
  });
});

describe("caData and permissionsBoundary", () => {
  it("caData must hold a PEM certificate that parses", () => {
    expect(
      refused((c) => {
        c.targets[0].caData = CA;
      }),
    ).toMatch(/targets\[0\]\.caData: expected base64 of at least one PEM certificate that parses/);
    expect(
      refused((c) => {
        c.targets[0].caData = "not base64!";
      }),
    ).toMatch(/targets\[0\]\.caData: expected the cluster CA as base64/);
  });
  it("permissionsBoundary must be a policy ARN", () => {
    for (const b of [
      "arn:aws:iam::111111111111:role/x",
      "arn:aws:iam::111111111111:policy/x y",
      "boundary",
    ]) {
      expect(
        refused((c) => {
          c.permissionsBoundary = b;
        }),
      ).toMatch(/permissionsBoundary: expected the ARN of an IAM managed policy/);
    }
  });
  it("a customer-managed boundary of one account is refused when roles live in others, with the {account} form", () => {
    const message = refused((c) => {
      c.permissionsBoundary = "arn:aws:iam::111111111111:policy/team/boundary";
    });
    expect(message).toMatch(
      /permissionsBoundary: the policy is in account 111111111111, but xirsa also creates roles in 222222222222.*write arn:aws:iam::\{account\}:policy\/team\/boundary/,
    );
    // The printed fix is accepted as written, and so is an AWS managed policy.
    const fix = /write (\S+) and/.exec(message)![1]!;
    for (const ok of [fix, "arn:aws:iam::aws:policy/PowerUserAccess"]) {
      expect(
        parseConfig(
          config((c) => {
            c.permissionsBoundary = ok;
          }),
        ).permissionsBoundary,
      ).toBe(ok);
    }
  });
});

describe("parsing cost is bounded (item 7)", () => {
  const head =
    "name: dev\nsource: {accountId: '111111111111', region: eu-central-1, cluster: main}\ntargets: [{name: p, accountId: '222222222222', region: eu-west-1, cluster: p}]\ntags:\n";
  it("a config over 1 MiB is refused in one line before it is parsed", () => {
    const text = head + Array.from({ length: 200_000 }, (_, i) => `  k${i}: v\n`).join("");
    expect(text.length).toBeGreaterThan(1024 * 1024);
    expect(() => parseConfigText(text, "big.yaml")).toThrow(
      /^big\.yaml: \d+ bytes; a config is at most 1048576 bytes \(1 MiB\)$/,
    );
  });
  it("40,000 keys under the cap: checked for duplicates in one pass, then refused for the tag count", () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `  k${i}: v\n`);
    expect(() => parseConfigText(head + keys.join(""), "many.yaml")).toThrow(
      /^many\.yaml: tags: 40000 tags; at most 48/,
    );
    keys.push("  k7: again\n");
    expect(() => parseConfigText(head + keys.join(""), "many.yaml")).toThrow(
      /^many\.yaml: invalid YAML at line 40005, column 3: Map keys must be unique \(k7 is repeated\)$/,
    );
  });
});
