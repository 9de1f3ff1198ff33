variable "profile" {
  description = "AWS profile for account 222222222222 (null: the default credential chain)"
  type        = string
  default     = null
}

variable "assume_role_arn" {
  description = "Role in account 222222222222 to assume for applying (null: use the profile as is)"
  type        = string
  default     = null
}

variable "region" {
  description = "Region of the provider (IAM is global; EKS resources name their region)"
  type        = string
  default     = "eu-west-1"
}
