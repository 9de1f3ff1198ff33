# Account 222222222222 (target).
# allowed_account_ids refuses to run with credentials of another account.
provider "aws" {
  region              = var.region
  profile             = var.profile
  allowed_account_ids = ["222222222222"]

  dynamic "assume_role" {
    for_each = var.assume_role_arn == null ? [] : [var.assume_role_arn]
    content {
      role_arn = assume_role.value
    }
  }
}
