/**
 * The emulated worker Nodes of a sandbox cluster: two Ready nodes with EKS's labels, registered at bootstrap
 * (no kubelet runs; DaemonSets get one pod per node, other pods land on the first).
 */
import type { JsonObject } from "./json.js";

export const NODE_NAMES = ["ip-10-0-0-1.sandbox.internal", "ip-10-0-0-2.sandbox.internal"];
export const DEFAULT_NODE = NODE_NAMES[0]!;

/** The address of a node (ip-10-0-0-2... → 10.0.0.2). */
export function nodeIp(name: string): string {
  const m = /^ip-(\d+)-(\d+)-(\d+)-(\d+)\./.exec(name);
  return m ? `${m[1]}.${m[2]}.${m[3]}.${m[4]}` : "10.0.0.1";
}

export function nodeObject(name: string, uid: string, ts: string, region = "eu-west-1"): JsonObject {
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: ts,
    lastTransitionTime: ts,
    reason,
    message,
  });
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      uid,
      creationTimestamp: ts,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": "m5.large",
        "topology.kubernetes.io/region": region,
        "eks.amazonaws.com/nodegroup": "sandbox",
      },
    },
    spec: { providerID: `aws:///${region}a/i-0sandbox${name.slice(3, 12).replace(/-/g, "")}` },
    status: {
      addresses: [
        { type: "InternalIP", address: nodeIp(name) },
        { type: "Hostname", address: name },
      ],
      allocatable: { cpu: "1930m", memory: "7220Mi", pods: "29" },
      capacity: { cpu: "2", memory: "7910Mi", pods: "29" },
      conditions: [
        cond(
          "MemoryPressure",
          "False",
          "KubeletHasSufficientMemory",
          "kubelet has sufficient memory available",
        ),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
      ],
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        kubeletVersion: "v1.31.4-eks-sandbox",
        containerRuntimeVersion: "containerd://1.7.0",
      },
    },
  };
}
