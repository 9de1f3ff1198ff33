variable "profile" {
  description = "AWS profile for account 111111111111 (null: the default credential chain)"
  type        = string
  default     = null
}

variable "assume_role_arn" {
  description = "Role in account 111111111111 to assume for applying (null: use the profile as is)"
  type        = string
  default     = null
}

variable "region" {
  description = "Region of the provider (IAM is global; EKS resources name their region)"
  type        = string
  default     = "eu-central-1"
}

variable "create_oidc_provider" {
  description = "Create the IAM OIDC provider of the source cluster (false: it must exist, e.g. created with the cluster)"
  type        = bool
  default     = false
}
