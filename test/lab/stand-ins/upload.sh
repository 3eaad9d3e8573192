#!/usr/bin/env bash
# Lab stand-in for the ACP installer's res/upload.sh: pushes the installation package's core images (the OCI
# layout in res/images, lists all.list and necessary.list) to the registry with skopeo.
set -euo pipefail
usage() { echo "usage: bash res/upload.sh all|necessary <registry> <username> <password>" >&2; exit 1; }
[ $# -eq 4 ] || usage
mode=$1 registry=$2 user=$3 password=$4
case $mode in all | necessary) ;; *) usage ;; esac
here=$(cd "$(dirname "$0")" && pwd)
settings=/cpaas/lab-bin/lab.env
[ ! -r "$settings" ] || . "$settings"
auth=$(mktemp)
trap 'rm -f "$auth"' EXIT
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$registry" "$(printf '%s:%s' "$user" "$password" | base64 -w0)" >"$auth"
total=$(grep -c . "$here/images/$mode.list")
n=0
while IFS= read -r ref; do
  [ -n "$ref" ] || continue
  n=$((n + 1))
  echo "[$n/$total] pushing $ref to $registry"
  # The lab's stand-in for the time a real image takes to upload.
  sleep "${LAB_UPLOAD_DELAY:-0}"
  skopeo copy --quiet --dest-tls-verify=false --dest-authfile "$auth" "oci:$here/images/oci:$ref" "docker://$registry/$ref" </dev/null ||
    { echo "upload.sh: pushing $ref to $registry failed" >&2; exit 1; }
  [ -z "${LAB_LOG:-}" ] || printf '%s upload.sh %s %s\n' "$(date -u +%FT%T.%3NZ)" "$mode" "$ref" >>"$LAB_LOG"
done <"$here/images/$mode.list"
echo "uploaded $total $mode images to $registry"
