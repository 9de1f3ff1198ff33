/** The EKS access policies (ListAccessPolicies); their Kubernetes permissions are applied by the kube side. */
import { CLUSTER_ADMIN_POLICY, ACCESS_POLICY_PREFIX as PREFIX } from "../../../names/index.js";

export { CLUSTER_ADMIN_POLICY };

const NAMES = [
  "AmazonEKSAdminPolicy",
  "AmazonEKSAdminViewPolicy",
  "AmazonEKSClusterAdminPolicy",
  "AmazonEKSEditPolicy",
  "AmazonEKSSecretReaderPolicy",
  "AmazonEKSViewPolicy",
  "AmazonEMRJobPolicy",
  "AmazonSagemakerHyperpodClusterPolicy",
  "AmazonSagemakerHyperpodControllerPolicy",
  "AmazonSagemakerHyperpodSystemNamespacePolicy",
];

export const ACCESS_POLICIES: readonly { name: string; arn: string }[] = NAMES.map((name) => ({
  name,
  arn: `${PREFIX}${name}`,
}));
