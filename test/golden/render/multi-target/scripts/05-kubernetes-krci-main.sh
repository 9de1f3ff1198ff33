#!/usr/bin/env bash
# xirsa (stack platform), step 5 of 5: source cluster krci-main (account 111111111111, eu-central-1).
# Annotates the service accounts and re-creates their pods, adds the targets to the AppProject, registers
# the target clusters and lists them in krci-config (edp-config). Run it after the AWS steps. Safe to re-run.
set -euo pipefail

# kubeconfig context of krci-main; the default is the name aws eks update-kubeconfig gives it. Override: CONTEXT=<name> $0
[[ -n "${CONTEXT+set}" ]] || CONTEXT=arn:aws:eks:eu-central-1:111111111111:cluster/krci-main
BUNDLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The path of a bundle file, refusing to go on without it.
bundle_file() {
  if [[ ! -f "$BUNDLE/$1" ]]; then
    echo "$BUNDLE/$1 is missing: render the whole bundle (xirsa render without --only)" >&2
    exit 2
  fi
  printf '%s' "$BUNDLE/$1"
}

# CD pipeline operator: annotate, then restart (only pods created after the annotation get the role).
kubectl annotate serviceaccount edp-cd-pipeline-operator -n krci --overwrite eks.amazonaws.com/role-arn=arn:aws:iam::111111111111:role/AWSIRSA_platform_CDPipelineOperator --context "$CONTEXT"
kubectl rollout restart deployment cd-pipeline-operator -n krci --context "$CONTEXT"

# Argo CD: annotate, then restart the controllers of the pods that run as each service account.
restart_users_of() { # namespace serviceaccount
  local ns="$1" sa="$2" pods line kind name owner refs=()
  pods="$(kubectl get pods -n "$ns" --context "$CONTEXT" --field-selector "spec.serviceAccountName=$sa" -o jsonpath='{range .items[*]}{.metadata.ownerReferences[?(@.controller==true)].kind}{"|"}{.metadata.ownerReferences[?(@.controller==true)].name}{"\n"}{end}')"
  while IFS= read -r line; do
    [[ -n "$line" ]] || continue # no pods: an empty answer; a pod without owner is the line "|"
    kind="${line%%|*}" name="${line#*|}"
    case "$kind" in
      ReplicaSet)
        owner="$(kubectl get replicaset "$name" -n "$ns" --context "$CONTEXT" -o jsonpath='{.metadata.ownerReferences[?(@.controller==true)].kind}/{.metadata.ownerReferences[?(@.controller==true)].name}')"
        [[ "$owner" == Deployment/?* ]] || { printf 'replicaset %s/%s (pods of %s) has no Deployment: restart it by hand\n' "$ns" "$name" "$sa" >&2; exit 1; }
        owner="deployment/${owner#Deployment/}" ;;
      StatefulSet) owner="statefulset/$name" ;;
      DaemonSet) owner="daemonset/$name" ;;
      *)
        printf 'a pod of service account %s/%s has no Deployment, StatefulSet or DaemonSet (%s): delete it by hand once it can be re-created\n' "$ns" "$sa" "${kind:-no controller}" >&2
        exit 1 ;;
    esac
    [[ " ${refs[*]-} " == *" $owner "* ]] || refs+=("$owner")
  done <<<"$pods"
  if [[ ${#refs[@]} -eq 0 ]]; then
    printf 'no pod in namespace %s runs as service account %s: nothing would pick up the role (check source.argocd.serviceAccounts)\n' "$ns" "$sa" >&2
    exit 1
  fi
  for owner in "${refs[@]}"; do
    kubectl rollout restart "$owner" -n "$ns" --context "$CONTEXT"
    kubectl rollout status "$owner" -n "$ns" --context "$CONTEXT" --timeout=300s
  done
}
kubectl annotate serviceaccount argocd-application-controller -n argocd --overwrite eks.amazonaws.com/role-arn=arn:aws:iam::111111111111:role/AWSIRSA_platform_ArgoCDMaster --context "$CONTEXT"
kubectl annotate serviceaccount argocd-applicationset-controller -n argocd --overwrite eks.amazonaws.com/role-arn=arn:aws:iam::111111111111:role/AWSIRSA_platform_ArgoCDMaster --context "$CONTEXT"
kubectl annotate serviceaccount argocd-server -n argocd --overwrite eks.amazonaws.com/role-arn=arn:aws:iam::111111111111:role/AWSIRSA_platform_ArgoCDMaster --context "$CONTEXT"
restart_users_of argocd argocd-application-controller
restart_users_of argocd argocd-applicationset-controller
restart_users_of argocd argocd-server

# Argo CD AppProject krci: a destination per target (kept: the destinations it already has).
manifest="$(bundle_file kubernetes/krci-main/appproject.yaml)"
if ! kubectl get appproject krci -n argocd --context "$CONTEXT" >/dev/null 2>&1; then
  kubectl apply -f "$manifest" --context "$CONTEXT"
fi
# The JSON of the patches is rendered by xirsa (a JSON encoder), never pasted together from values here.
# Whether the destination is there: an exact comparison per line (grep would read patterns).
has_destination() { # have namespace server
  local line
  while IFS= read -r line; do [[ "$line" == "$2 $3" ]] && return 0; done <<<"$1"
  return 1
}
add_destination() { # namespace server merge-patch json-patch
  local have
  have="$(kubectl get appproject krci -n argocd --context "$CONTEXT" -o jsonpath='{range .spec.destinations[*]}{.namespace}{" "}{.server}{"\n"}{end}')"
  if [[ -z "$have" ]]; then
    kubectl patch appproject krci -n argocd --context "$CONTEXT" --type merge -p "$3"
  elif ! has_destination "$have" "$1" "$2"; then
    kubectl patch appproject krci -n argocd --context "$CONTEXT" --type json -p "$4"
  fi
}
add_destination 'krci-*' https://9F3A1C5E7B2D4F6A8C0E1B3D5F7A9C2E.gr7.eu-west-1.eks.amazonaws.com '{"spec":{"destinations":[{"namespace":"krci-*","server":"https://9F3A1C5E7B2D4F6A8C0E1B3D5F7A9C2E.gr7.eu-west-1.eks.amazonaws.com"}]}}' '[{"op":"add","path":"/spec/destinations/-","value":{"namespace":"krci-*","server":"https://9F3A1C5E7B2D4F6A8C0E1B3D5F7A9C2E.gr7.eu-west-1.eks.amazonaws.com"}}]'
add_destination 'krci-*' https://0D2B4F6A8C1E3A5C7E9B0D2F4A6C8E1B.gr7.us-east-1.eks.amazonaws.com '{"spec":{"destinations":[{"namespace":"krci-*","server":"https://0D2B4F6A8C1E3A5C7E9B0D2F4A6C8E1B.gr7.us-east-1.eks.amazonaws.com"}]}}' '[{"op":"add","path":"/spec/destinations/-","value":{"namespace":"krci-*","server":"https://0D2B4F6A8C1E3A5C7E9B0D2F4A6C8E1B.gr7.us-east-1.eks.amazonaws.com"}}]'

# Cluster registration Secrets for Argo CD and KubeRocketCI (no credentials: they name the agent roles).
manifest="$(bundle_file kubernetes/krci-main/cluster-secrets.yaml)"
kubectl apply -f "$manifest" --context "$CONTEXT"

# KubeRocketCI: list the targets in krci-config available_clusters (kept: the clusters already listed).
platform_cm=krci-config
if ! kubectl get configmap krci-config -n krci --context "$CONTEXT" >/dev/null 2>&1; then platform_cm=edp-config; fi
clusters="$(kubectl get configmap "$platform_cm" -n krci --context "$CONTEXT" -o jsonpath='{.data.available_clusters}')"
for name in staging prod; do
  case ", $clusters, " in
    *", $name, "*) ;;
    *) clusters="${clusters:+$clusters, }$name" ;;
  esac
done
json_string() {
  local s="$1" out="" c
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  while [[ $s =~ ^([^[:cntrl:]]*)([[:cntrl:]])(.*)$ ]]; do
    printf -v c '\\u%04x' "'${BASH_REMATCH[2]}"
    out+="${BASH_REMATCH[1]}$c"
    s="${BASH_REMATCH[3]}"
  done
  printf '"%s"' "$out$s"
}
kubectl patch configmap "$platform_cm" -n krci --context "$CONTEXT" --type merge -p "{\"data\":{\"available_clusters\":$(json_string "$clusters")}}"

printf '%s\n' 'cluster krci-main: done'
