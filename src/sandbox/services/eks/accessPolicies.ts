/** The EKS access policies (ListAccessPolicies); their Kubernetes permissions are applied by the kube side. */
const PREFIX = "arn:aws:eks::aws:cluster-access-policy/";

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

export const CLUSTER_ADMIN_POLICY = `${PREFIX}AmazonEKSClusterAdminPolicy`;
