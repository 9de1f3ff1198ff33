/**
 * ControllerRevisions of DaemonSets and StatefulSets as pure functions (kubernetes/kubernetes
 * pkg/controller/history/controller_history.go NewControllerRevision; pkg/controller/daemon/update.go
 * constructHistory, getPatch; pkg/controller/statefulset/stateful_set_utils.go newRevision): one revision per pod
 * template, named `<owner>-<hash>`, labelled with the template's labels and `controller-revision-hash: <hash>`,
 * owned by its set, `data` the strategic merge patch `{"spec":{"template":{...,"$patch":"replace"}}}` that
 * kubectl's `rollout history --revision` shows and `rollout undo` applies (kubectl
 * pkg/polymorphichelpers/history.go, rollback.go). A template seen again gets the next revision number.
 */
import { asObject, clone, type JsonObject, labelsOf, nameOf, namespaceOf } from "./json.js";
import { templateHash } from "./workloads.js";

export const REVISION_HASH_LABEL = "controller-revision-hash";

export const revisionNumber = (cr: JsonObject) => (typeof cr.revision === "number" ? cr.revision : 0);

/** getPatch: the set's template, to replace the template with. */
export function templatePatch(owner: JsonObject): JsonObject {
  return { spec: { template: { ...clone(asObject(asObject(owner.spec).template)), $patch: "replace" } } };
}

/** A new ControllerRevision (without uid) of the owner's current template. */
export function controllerRevision(owner: JsonObject, revision: number): JsonObject {
  const hash = templateHash(asObject(asObject(owner.spec).template));
  const tmplLabels = labelsOf({ metadata: asObject(asObject(asObject(owner.spec).template).metadata) });
  const m = asObject(owner.metadata);
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${nameOf(owner)}-${hash}`,
      namespace: namespaceOf(owner),
      labels: { ...tmplLabels, [REVISION_HASH_LABEL]: hash },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: String(owner.kind ?? ""),
          name: nameOf(owner),
          uid: String(m.uid ?? ""),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    data: templatePatch(owner),
    revision,
  };
}

export interface HistoryPlan {
  /** The revision to store (new, or an old one renumbered); absent when the current one is up to date. */
  put?: JsonObject;
  /** Names of old revisions past `revisionHistoryLimit`. */
  remove: string[];
}

/** constructHistory and cleanupHistory: the current template's revision, and the old ones to drop. */
export function planHistory(owner: JsonObject, revisions: JsonObject[]): HistoryPlan {
  const hash = templateHash(asObject(asObject(owner.spec).template));
  const max = Math.max(0, ...revisions.map(revisionNumber));
  const current = revisions.find((r) => labelsOf(r)[REVISION_HASH_LABEL] === hash);
  let put: JsonObject | undefined;
  if (!current) put = controllerRevision(owner, max + 1);
  else if (revisionNumber(current) < max) put = { ...clone(current), revision: max + 1 };
  const limitRaw = asObject(owner.spec).revisionHistoryLimit;
  const limit = typeof limitRaw === "number" ? limitRaw : 10;
  const old = revisions.filter((r) => r !== current).sort((a, b) => revisionNumber(a) - revisionNumber(b));
  return { ...(put ? { put } : {}), remove: old.slice(0, Math.max(0, old.length - limit)).map(nameOf) };
}
