# Apply terraform/111111111111 first: IAM refuses a trust policy that names a role which does not exist yet.
resource "aws_iam_role" "cd_pipeline_agent" {
  name = "AWSIRSA_dev_CDPipelineAgent"
  path = "/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          AWS = "arn:aws:iam::111111111111:role/AWSIRSA_dev_CDPipelineOperator"
        }
        Action = "sts:AssumeRole"
      },
    ]
  })
  tags = {
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "dev"
  }
}

resource "aws_iam_role" "argo_cd_agent_access" {
  name = "AWSIRSA_dev_ArgoCDAgentAccess"
  path = "/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          AWS = "arn:aws:iam::111111111111:role/AWSIRSA_dev_ArgoCDMaster"
        }
        Action = "sts:AssumeRole"
      },
    ]
  })
  tags = {
    "xirsa.io/managed-by" = "terraform"
    "xirsa.io/stack"      = "dev"
  }
}
