# Cluster workloads-prod (us-east-1), target prod.
resource "aws_eks_access_entry" "prod_cd_pipeline_agent" {
  cluster_name      = "workloads-prod"
  principal_arn     = aws_iam_role.cd_pipeline_agent.arn
  type              = "STANDARD"
  kubernetes_groups = ["cd-pipeline-operator"]
  tags = {
    team                  = "platform"
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "platform"
  }
}

resource "aws_eks_access_entry" "prod_argo_cd_agent_access" {
  cluster_name  = "workloads-prod"
  principal_arn = aws_iam_role.argo_cd_agent_access.arn
  type          = "STANDARD"
  tags = {
    team                  = "platform"
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "platform"
  }
}

resource "aws_eks_access_policy_association" "prod_argo_cd_agent_access_admin" {
  cluster_name  = aws_eks_access_entry.prod_argo_cd_agent_access.cluster_name
  principal_arn = aws_eks_access_entry.prod_argo_cd_agent_access.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"

  access_scope {
    type       = "namespace"
    namespaces = ["krci-*"]
  }
}
