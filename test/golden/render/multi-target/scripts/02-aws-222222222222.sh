#!/usr/bin/env bash
# xirsa (stack platform), step 2 of 5: AWS in account 222222222222 (target).
# The aws CLI steps of the seed's console procedure. Safe to re-run: creates what is missing and
# updates trust and inline policies from ../aws/222222222222/ (edit those, not this script).
set -euo pipefail

# AWS profile of account 222222222222 (empty: the default credential chain); override: PROFILE=<name> $0
[[ -n "${PROFILE+set}" ]] || PROFILE=''
[[ -n "${REGION+set}" ]] || REGION=eu-west-1
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
if [[ "$account" != 222222222222 ]]; then
  printf 'these credentials are for account %s, not %s: set PROFILE\n' "$account" 222222222222 >&2
  exit 1
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

# AWSIRSA_platform_CDPipelineAgent
trust="$(bundle_file aws/222222222222/roles/AWSIRSA_platform_CDPipelineAgent/trust-policy.json)"
ensure_role AWSIRSA_platform_CDPipelineAgent / "$trust" '[{"Key":"team","Value":"platform"},{"Key":"xirsa.io/managed-by","Value":"xirsa"},{"Key":"xirsa.io/stack","Value":"platform"}]'

# AWSIRSA_platform_ArgoCDAgentAccess
trust="$(bundle_file aws/222222222222/roles/AWSIRSA_platform_ArgoCDAgentAccess/trust-policy.json)"
ensure_role AWSIRSA_platform_ArgoCDAgentAccess / "$trust" '[{"Key":"team","Value":"platform"},{"Key":"xirsa.io/managed-by","Value":"xirsa"},{"Key":"xirsa.io/stack","Value":"platform"}]'

# An EKS access entry: created, or its Kubernetes groups updated.
ensure_access_entry() { # region cluster principal-arn type [kubernetes-group...]
  local region="$1" cluster="$2" principal="$3" type="$4"
  shift 4
  if aws_ "$region" eks describe-access-entry --cluster-name "$cluster" --principal-arn "$principal" >/dev/null 2>&1; then
    if [[ $# -gt 0 ]]; then
      aws_ "$region" eks update-access-entry --cluster-name "$cluster" --principal-arn "$principal" --kubernetes-groups "$@" >/dev/null
    fi
  elif [[ $# -gt 0 ]]; then
    create_access_entry "$region" --cluster-name "$cluster" --principal-arn "$principal" --type "$type" --kubernetes-groups "$@"
  else
    create_access_entry "$region" --cluster-name "$cluster" --principal-arn "$principal" --type "$type"
  fi
}

# IAM is eventually consistent: EKS refuses a role created a moment ago with "invalid principal".
# Retried with the bounds xirsa apply uses (12 attempts, backoff up to 5 s); any other error stops.
create_access_entry() { # region create-access-entry-arguments...
  local region="$1" attempt err
  shift
  for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
    if err="$(aws_ "$region" eks create-access-entry "$@" 2>&1 >/dev/null)"; then return 0; fi
    if [[ "$err" != *"invalid principal"* || $attempt -eq 12 ]]; then
      printf '%s\n' "$err" >&2
      return 1
    fi
    local wait=$((attempt < 4 ? 1 << (attempt - 1) : 5))
    printf 'EKS does not see the role yet (IAM propagation), retrying in %ss\n' "$wait" >&2
    sleep "$wait"
  done
}

# Access to cluster workloads-staging (eu-west-1) for target staging.
ensure_access_entry eu-west-1 workloads-staging arn:aws:iam::222222222222:role/AWSIRSA_platform_CDPipelineAgent STANDARD
aws_ eu-west-1 eks associate-access-policy --cluster-name workloads-staging --principal-arn arn:aws:iam::222222222222:role/AWSIRSA_platform_CDPipelineAgent --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope '{"type":"cluster"}' >/dev/null
ensure_access_entry eu-west-1 workloads-staging arn:aws:iam::222222222222:role/AWSIRSA_platform_ArgoCDAgentAccess STANDARD
aws_ eu-west-1 eks associate-access-policy --cluster-name workloads-staging --principal-arn arn:aws:iam::222222222222:role/AWSIRSA_platform_ArgoCDAgentAccess --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope '{"type":"cluster"}' >/dev/null

printf '%s\n' 'account 222222222222: done'
