# Account 111111111111 (source: KubeRocketCI and Argo CD).
# allowed_account_ids refuses to run with credentials of another account.
provider "aws" {
  region              = var.region
  profile             = var.profile
  allowed_account_ids = ["111111111111"]

  dynamic "assume_role" {
    for_each = var.assume_role_arn == null ? [] : [var.assume_role_arn]
    content {
      role_arn = assume_role.value
    }
  }
}
