# Apply terraform/111111111111 first: IAM refuses a trust policy that names a role which does not exist yet.
resource "aws_iam_role" "cd_pipeline_agent" {
  name = "AWSIRSA_platform_CDPipelineAgent"
  path = "/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          AWS = "arn:aws:iam::111111111111:role/AWSIRSA_platform_CDPipelineOperator"
        }
        Action = "sts:AssumeRole"
      },
    ]
  })
  tags = {
    team                  = "platform"
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "platform"
  }
}

resource "aws_iam_role" "argo_cd_agent_access" {
  name = "AWSIRSA_platform_ArgoCDAgentAccess"
  path = "/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          AWS = "arn:aws:iam::111111111111:role/AWSIRSA_platform_ArgoCDMaster"
        }
        Action = "sts:AssumeRole"
      },
    ]
  })
  tags = {
    team                  = "platform"
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "platform"
  }
}
