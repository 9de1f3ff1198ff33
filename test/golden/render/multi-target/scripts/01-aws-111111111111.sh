#!/usr/bin/env bash
# xirsa (stack platform), step 1 of 5: AWS in account 111111111111 (source: cluster krci-main).
# The aws CLI steps of the seed's console procedure. Safe to re-run: creates what is missing and
# updates trust and inline policies from ../aws/111111111111/ (edit those, not this script).
set -euo pipefail

# AWS profile of account 111111111111 (empty: the default credential chain); override: PROFILE=<name> $0
[[ -n "${PROFILE+set}" ]] || PROFILE=''
[[ -n "${REGION+set}" ]] || REGION=eu-central-1
BUNDLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# aws with the profile, in the region given first.
aws_() {
  local region="$1"
  shift
  if [[ -n "$PROFILE" ]]; then aws --profile "$PROFILE" --region "$region" "$@"; else aws --region "$region" "$@"; fi
}

# The path of a bundle file, refusing to go on without it.
bundle_file() {
  if [[ ! -f "$BUNDLE/$1" ]]; then
    echo "$BUNDLE/$1 is missing: render the whole bundle (xirsa render without --only)" >&2
    exit 2
  fi
  printf '%s' "$BUNDLE/$1"
}

account="$(aws_ "$REGION" sts get-caller-identity --query Account --output text)"
if [[ "$account" != 111111111111 ]]; then
  printf 'these credentials are for account %s, not %s: set PROFILE\n' "$account" 111111111111 >&2
  exit 1
fi

# The IAM OIDC provider of the source cluster's issuer (needed by the web-identity hop).
if aws_ "$REGION" iam get-open-id-connect-provider --open-id-connect-provider-arn arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F >/dev/null 2>&1; then
  aws_ "$REGION" iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F --client-id sts.amazonaws.com
else
  aws_ "$REGION" iam create-open-id-connect-provider --url https://oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F --client-id-list sts.amazonaws.com >/dev/null
  printf '%s\n' 'created the IAM OIDC provider for https://oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F'
fi

# A role with its trust policy and tags: created, or updated in place.
ensure_role() { # name path trust-policy-file tags-json [permissions-boundary]
  local name="$1" path="$2" trust="$3" tags="$4" boundary="${5-}"
  if aws_ "$REGION" iam get-role --role-name "$name" >/dev/null 2>&1; then
    aws_ "$REGION" iam update-assume-role-policy --role-name "$name" --policy-document "file://$trust"
    aws_ "$REGION" iam tag-role --role-name "$name" --tags "$tags"
  else
    local args=(--role-name "$name" --path "$path" --assume-role-policy-document "file://$trust" --tags "$tags")
    if [[ -n "$boundary" ]]; then args+=(--permissions-boundary "$boundary"); fi
    aws_ "$REGION" iam create-role "${args[@]}" >/dev/null
    echo "created role $name"
  fi
}

# AWSIRSA_platform_CDPipelineOperator
trust="$(bundle_file aws/111111111111/roles/AWSIRSA_platform_CDPipelineOperator/trust-policy.json)"
ensure_role AWSIRSA_platform_CDPipelineOperator / "$trust" '[{"Key":"team","Value":"platform"},{"Key":"xirsa.io/managed-by","Value":"xirsa"},{"Key":"xirsa.io/stack","Value":"platform"}]'
permissions="$(bundle_file aws/111111111111/roles/AWSIRSA_platform_CDPipelineOperator/permissions-policy.json)"
aws_ "$REGION" iam put-role-policy --role-name AWSIRSA_platform_CDPipelineOperator --policy-name xirsa-assume-agent-roles --policy-document "file://$permissions"

# AWSIRSA_platform_ArgoCDMaster
trust="$(bundle_file aws/111111111111/roles/AWSIRSA_platform_ArgoCDMaster/trust-policy.json)"
ensure_role AWSIRSA_platform_ArgoCDMaster / "$trust" '[{"Key":"team","Value":"platform"},{"Key":"xirsa.io/managed-by","Value":"xirsa"},{"Key":"xirsa.io/stack","Value":"platform"}]'
permissions="$(bundle_file aws/111111111111/roles/AWSIRSA_platform_ArgoCDMaster/permissions-policy.json)"
aws_ "$REGION" iam put-role-policy --role-name AWSIRSA_platform_ArgoCDMaster --policy-name xirsa-assume-agent-roles --policy-document "file://$permissions"

printf '%s\n' 'account 111111111111: done'
