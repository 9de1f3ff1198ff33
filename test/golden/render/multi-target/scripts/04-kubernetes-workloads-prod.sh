#!/usr/bin/env bash
# xirsa (stack platform), step 4 of 5: cluster workloads-prod (account 333333333333, us-east-1).
# Applies the manifests of ../kubernetes/workloads-prod/ (edit those, not this script).
set -euo pipefail

# kubeconfig context of workloads-prod; the default is the name aws eks update-kubeconfig gives it. Override: CONTEXT=<name> $0
[[ -n "${CONTEXT+set}" ]] || CONTEXT=arn:aws:eks:us-east-1:333333333333:cluster/workloads-prod
BUNDLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The path of a bundle file, refusing to go on without it.
bundle_file() {
  if [[ ! -f "$BUNDLE/$1" ]]; then
    echo "$BUNDLE/$1 is missing: render the whole bundle (xirsa render without --only)" >&2
    exit 2
  fi
  printf '%s' "$BUNDLE/$1"
}

manifest="$(bundle_file kubernetes/workloads-prod/capsule.yaml)"
kubectl apply -f "$manifest" --context "$CONTEXT"

printf '%s\n' 'cluster workloads-prod: done'
