output "cd_pipeline_agent_role_arn" {
  description = "ARN of AWSIRSA_platform_CDPipelineAgent"
  value       = aws_iam_role.cd_pipeline_agent.arn
}

output "argo_cd_agent_access_role_arn" {
  description = "ARN of AWSIRSA_platform_ArgoCDAgentAccess"
  value       = aws_iam_role.argo_cd_agent_access.arn
}
