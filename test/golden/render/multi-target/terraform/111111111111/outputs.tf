output "cd_pipeline_operator_role_arn" {
  description = "ARN of AWSIRSA_platform_CDPipelineOperator"
  value       = aws_iam_role.cd_pipeline_operator.arn
}

output "argo_cd_master_role_arn" {
  description = "ARN of AWSIRSA_platform_ArgoCDMaster"
  value       = aws_iam_role.argo_cd_master.arn
}
