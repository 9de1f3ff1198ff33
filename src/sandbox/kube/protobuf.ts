/**
 * The minimal Kubernetes protobuf envelope decoder: `k8s\0` magic + runtime.Unknown{typeMeta, raw}, with the raw
 * object decoded for the kinds kubectl sends as protobuf (`kubectl create namespace|configmap|secret|
 * serviceaccount|rolebinding|clusterrolebinding|token`, and from kubectl 1.33 on the reviews behind `auth can-i`
 * and `auth whoami`). Field numbers from the protobuf tags in kubernetes/api (core/v1, rbac/v1,
 * authorization/v1, authentication/v1 types.go). Anything else is refused (415).
 */
import type { JsonObject } from "./json.js";
import { badRequest, unsupportedMediaType } from "./status.js";

export const PROTOBUF = "application/vnd.kubernetes.protobuf";
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  no: number;
  wire: number;
  varint?: bigint;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw badRequest("protobuf: truncated varint");
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 63n) throw badRequest("protobuf: varint overflow");
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      pos = p2;
      out.push({ no, wire, varint: v });
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      if (end > buf.length) throw badRequest("protobuf: truncated length-delimited field");
      out.push({ no, wire, bytes: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1) {
      pos += 8;
      out.push({ no, wire });
    } else if (wire === 5) {
      pos += 4;
      out.push({ no, wire });
    } else throw badRequest(`protobuf: unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field): string => (f.bytes ?? Buffer.alloc(0)).toString("utf8");

function mapEntry(b: Buffer): [string, Buffer] {
  let key = "";
  let value: Buffer = Buffer.alloc(0);
  for (const f of fields(b)) {
    if (f.no === 1) key = str(f);
    if (f.no === 2) value = f.bytes ?? Buffer.alloc(0);
  }
  return [key, value];
}

/** ObjectMeta: 1 name, 2 generateName, 3 namespace, 11 labels, 12 annotations, 14 finalizers. */
function objectMeta(b: Buffer): JsonObject {
  const m: JsonObject = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const finalizers: string[] = [];
  for (const f of fields(b)) {
    if (f.no === 1) m.name = str(f);
    else if (f.no === 2) m.generateName = str(f);
    else if (f.no === 3) m.namespace = str(f);
    else if (f.no === 11 && f.bytes) {
      const [k, v] = mapEntry(f.bytes);
      labels[k] = v.toString("utf8");
    } else if (f.no === 12 && f.bytes) {
      const [k, v] = mapEntry(f.bytes);
      annotations[k] = v.toString("utf8");
    } else if (f.no === 14) finalizers.push(str(f));
  }
  if (Object.keys(labels).length) m.labels = labels;
  if (Object.keys(annotations).length) m.annotations = annotations;
  if (finalizers.length) m.finalizers = finalizers;
  return m;
}

type KindDecoder = (fs: Field[], o: JsonObject) => void;

/** A message of string fields only, by field number. */
function strings(b: Buffer, names: Record<number, string>): JsonObject {
  const o: JsonObject = {};
  for (const f of fields(b)) {
    const name = names[f.no];
    if (name && f.bytes) o[name] = str(f);
  }
  return o;
}

// rbac/v1 Subject: 1 kind, 2 apiGroup, 3 name, 4 namespace; RoleRef: 1 apiGroup, 2 kind, 3 name.
const SUBJECT = { 1: "kind", 2: "apiGroup", 3: "name", 4: "namespace" };
const ROLE_REF = { 1: "apiGroup", 2: "kind", 3: "name" };

// RoleBinding and ClusterRoleBinding: 1 metadata, 2 subjects, 3 roleRef.
const binding: KindDecoder = (fs, o) => {
  const subjects: JsonObject[] = [];
  for (const f of fs) {
    if (f.no === 2 && f.bytes) subjects.push(strings(f.bytes, SUBJECT));
    else if (f.no === 3 && f.bytes) o.roleRef = strings(f.bytes, ROLE_REF);
  }
  if (subjects.length) o.subjects = subjects;
};

// authorization/v1 ResourceAttributes: 1 namespace, 2 verb, 3 group, 4 version, 5 resource, 6 subresource,
// 7 name; NonResourceAttributes: 1 path, 2 verb.
const RESOURCE_ATTRIBUTES = {
  1: "namespace",
  2: "verb",
  3: "group",
  4: "version",
  5: "resource",
  6: "subresource",
  7: "name",
};
const NON_RESOURCE_ATTRIBUTES = { 1: "path", 2: "verb" };

/** The `spec` (field 2) of a message, decoded by `decode`. */
const withSpec =
  (decode: (b: Buffer) => JsonObject): KindDecoder =>
  (fs, o) => {
    for (const f of fs) if (f.no === 2 && f.bytes) o.spec = decode(f.bytes);
  };

const KINDS: Record<string, KindDecoder> = {
  // Namespace: 1 metadata, 2 spec{1 finalizers}
  "v1/Namespace": (fs, o) => {
    for (const f of fs)
      if (f.no === 2 && f.bytes) {
        const fin = fields(f.bytes)
          .filter((x) => x.no === 1)
          .map(str);
        if (fin.length) o.spec = { finalizers: fin };
      }
  },
  // ConfigMap: 1 metadata, 2 data map<string,string>, 3 binaryData map<string,bytes>, 4 immutable
  "v1/ConfigMap": (fs, o) => {
    const data: Record<string, string> = {};
    const bin: Record<string, string> = {};
    for (const f of fs) {
      if (f.no === 2 && f.bytes) {
        const [k, v] = mapEntry(f.bytes);
        data[k] = v.toString("utf8");
      } else if (f.no === 3 && f.bytes) {
        const [k, v] = mapEntry(f.bytes);
        bin[k] = v.toString("base64");
      } else if (f.no === 4) o.immutable = f.varint === 1n;
    }
    if (Object.keys(data).length) o.data = data;
    if (Object.keys(bin).length) o.binaryData = bin;
  },
  // Secret: 1 metadata, 2 data map<string,bytes>, 3 type, 4 stringData, 5 immutable
  "v1/Secret": (fs, o) => {
    const data: Record<string, string> = {};
    const sdata: Record<string, string> = {};
    for (const f of fs) {
      if (f.no === 2 && f.bytes) {
        const [k, v] = mapEntry(f.bytes);
        data[k] = v.toString("base64");
      } else if (f.no === 3) o.type = str(f);
      else if (f.no === 4 && f.bytes) {
        const [k, v] = mapEntry(f.bytes);
        sdata[k] = v.toString("utf8");
      } else if (f.no === 5) o.immutable = f.varint === 1n;
    }
    if (Object.keys(data).length) o.data = data;
    if (Object.keys(sdata).length) o.stringData = sdata;
  },
  // ServiceAccount: 1 metadata, 2 secrets, 3 imagePullSecrets, 4 automountServiceAccountToken
  "v1/ServiceAccount": (fs, o) => {
    const pulls: JsonObject[] = [];
    for (const f of fs) {
      if (f.no === 3 && f.bytes) {
        const n = fields(f.bytes).find((x) => x.no === 1);
        pulls.push({ name: n ? str(n) : "" });
      } else if (f.no === 4) o.automountServiceAccountToken = f.varint === 1n;
    }
    if (pulls.length) o.imagePullSecrets = pulls;
  },
  "rbac.authorization.k8s.io/v1/RoleBinding": binding,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": binding,
  // SelfSubjectAccessReview: 1 metadata, 2 spec{1 resourceAttributes, 2 nonResourceAttributes}.
  "authorization.k8s.io/v1/SelfSubjectAccessReview": withSpec((b) => {
    const spec: JsonObject = {};
    for (const f of fields(b)) {
      if (f.no === 1 && f.bytes) spec.resourceAttributes = strings(f.bytes, RESOURCE_ATTRIBUTES);
      else if (f.no === 2 && f.bytes) spec.nonResourceAttributes = strings(f.bytes, NON_RESOURCE_ATTRIBUTES);
    }
    return spec;
  }),
  // SelfSubjectRulesReview: 1 metadata, 2 spec{1 namespace}.
  "authorization.k8s.io/v1/SelfSubjectRulesReview": withSpec((b) => strings(b, { 1: "namespace" })),
  // SelfSubjectReview: 1 metadata, 2 status (set by the server): nothing to read but metadata.
  "authentication.k8s.io/v1/SelfSubjectReview": () => {},
  // TokenRequest: 1 metadata, 2 spec{1 audiences, 3 boundObjectRef{1 kind, 2 apiVersion, 3 name, 4 uid},
  // 4 expirationSeconds}.
  "authentication.k8s.io/v1/TokenRequest": withSpec((b) => {
    const spec: JsonObject = {};
    const audiences: string[] = [];
    for (const f of fields(b)) {
      if (f.no === 1) audiences.push(str(f));
      else if (f.no === 3 && f.bytes)
        spec.boundObjectRef = strings(f.bytes, { 1: "kind", 2: "apiVersion", 3: "name", 4: "uid" });
      else if (f.no === 4 && f.varint !== undefined) spec.expirationSeconds = Number(f.varint);
    }
    if (audiences.length) spec.audiences = audiences;
    return spec;
  }),
};

/** Decodes a protobuf request body into the JSON object it stands for. */
export function decodeProtobuf(body: Buffer): JsonObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw badRequest("protobuf: missing k8s magic prefix");
  let apiVersion = "";
  let kind = "";
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(body.subarray(4))) {
    if (f.no === 1 && f.bytes) {
      for (const t of fields(f.bytes)) {
        if (t.no === 1) apiVersion = str(t);
        if (t.no === 2) kind = str(t);
      }
    } else if (f.no === 2 && f.bytes) raw = f.bytes;
  }
  const decode = KINDS[`${apiVersion}/${kind}`];
  if (!decode) throw unsupportedMediaType(PROTOBUF, ["application/json", "application/yaml"]);
  const fs = fields(raw);
  const o: JsonObject = { apiVersion, kind, metadata: {} };
  for (const f of fs) if (f.no === 1 && f.bytes) o.metadata = objectMeta(f.bytes);
  decode(fs, o);
  return o;
}
