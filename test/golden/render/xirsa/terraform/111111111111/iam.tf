# IAM OIDC provider of the source cluster's issuer: the web-identity hop needs it, with sts.amazonaws.com as client id.
resource "aws_iam_openid_connect_provider" "source" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F"
  client_id_list = ["sts.amazonaws.com"]
  tags = {
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "dev"
  }
}

data "aws_iam_openid_connect_provider" "source" {
  count = var.create_oidc_provider ? 0 : 1
  url   = "https://oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F"
}

locals {
  source_oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.source[0].arn : data.aws_iam_openid_connect_provider.source[0].arn
}

resource "aws_iam_role" "cd_pipeline_operator" {
  name = "AWSIRSA_dev_CDPipelineOperator"
  path = "/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = ""
        Effect = "Allow"
        Principal = {
          Federated = local.source_oidc_provider_arn
        }
        Action = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F:sub" = ["system:serviceaccount:krci:edp-cd-pipeline-operator"]
            "oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F:aud" = "sts.amazonaws.com"
          }
        }
      },
    ]
  })
  tags = {
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "dev"
  }
}

resource "aws_iam_role_policy" "cd_pipeline_operator" {
  name = "xirsa-assume-agent-roles"
  role = aws_iam_role.cd_pipeline_operator.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Action   = "sts:AssumeRole"
        Effect   = "Allow"
        Resource = "arn:aws:iam::222222222222:role/AWSIRSA_dev_CDPipelineAgent"
      },
    ]
  })
}

resource "aws_iam_role" "argo_cd_master" {
  name = "AWSIRSA_dev_ArgoCDMaster"
  path = "/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = ""
        Effect = "Allow"
        Principal = {
          Federated = local.source_oidc_provider_arn
        }
        Action = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F:sub" = [
              "system:serviceaccount:argocd:argocd-application-controller",
              "system:serviceaccount:argocd:argocd-applicationset-controller",
              "system:serviceaccount:argocd:argocd-server",
            ]
            "oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F:aud" = "sts.amazonaws.com"
          }
        }
      },
    ]
  })
  tags = {
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "dev"
  }
}

resource "aws_iam_role_policy" "argo_cd_master" {
  name = "xirsa-assume-agent-roles"
  role = aws_iam_role.argo_cd_master.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Action   = "sts:AssumeRole"
        Effect   = "Allow"
        Resource = "arn:aws:iam::222222222222:role/AWSIRSA_dev_ArgoCDAgentAccess"
      },
    ]
  })
}
