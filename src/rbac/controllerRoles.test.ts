import { describe, expect, it } from "vitest";
import { CONTROLLER_CLUSTER_ROLE_BINDINGS, CONTROLLER_CLUSTER_ROLES } from "./controllerRoles.js";
import { BUILTIN_CLUSTER_ROLE_BINDINGS, BUILTIN_CLUSTER_ROLES } from "./index.js";

describe("system:controller roles", () => {
  it("each role is built in and bound to its controller's kube-system ServiceAccount", () => {
    const names = Object.keys(CONTROLLER_CLUSTER_ROLES);
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) {
      expect(name.startsWith("system:controller:")).toBe(true);
      expect(BUILTIN_CLUSTER_ROLES[name]).toBe(CONTROLLER_CLUSTER_ROLES[name]);
      const b = BUILTIN_CLUSTER_ROLE_BINDINGS[name];
      expect(b?.role).toBe(name);
      expect(b?.serviceAccounts).toEqual([`kube-system/${name.slice("system:controller:".length)}`]);
    }
    expect(Object.keys(CONTROLLER_CLUSTER_ROLE_BINDINGS)).toEqual(names);
  });

  it("the DaemonSet and StatefulSet controllers may write ControllerRevisions", () => {
    for (const c of ["daemon-set-controller", "statefulset-controller"]) {
      const rules = CONTROLLER_CLUSTER_ROLES[`system:controller:${c}`] ?? [];
      expect(
        rules.some(
          (r) =>
            "resources" in r && r.resources.includes("controllerrevisions") && r.verbs.includes("create"),
        ),
      ).toBe(true);
    }
  });
});
