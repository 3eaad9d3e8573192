#!/usr/bin/env bash
# fieldbook's main job on the built-in rehearsal lab: the full wipe of an ACP registry, live, end to end.
# Installs what the lab needs (Debian 12, as root), builds fieldbook, starts the lab on loopback, runs
# acp-registry-full-wipe against it with the approvals given up front, prints the run and its report, and
# stops the lab. Nothing to configure; nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" != 0 ]; then echo "demo: run as root (the lab creates a test user and mount namespaces)" >&2; exit 2; fi
need=()
for pair in sshd:openssh-server sudo:sudo docker-registry:docker-registry skopeo:skopeo openssl:openssl unshare:util-linux; do
  command -v "${pair%%:*}" >/dev/null || [ -x "/usr/sbin/${pair%%:*}" ] || need+=("${pair#*:}")
done
command -v kubectl >/dev/null || need+=(kubernetes-client)
if [ ${#need[@]} -gt 0 ]; then apt-get update && apt-get install -y --no-install-recommends "${need[@]}"; fi
[ -d node_modules ] || npm ci
npm run build >/dev/null

fieldbook() { node bin/fieldbook.js "$@"; }
export FIELDBOOK_HOME="${FIELDBOOK_HOME:-/tmp/fieldbook-demo}"
npm run --silent lab:up
trap 'npm run --silent lab:down' EXIT
# shellcheck disable=SC1091
. /tmp/fieldbook-lab/secrets.env

run_id="demo-$(date +%Y%m%d-%H%M%S)"
fieldbook run acp-registry-full-wipe --site examples/lab.yaml --run-id "$run_id" --ui plain \
  --approve maintenance-window --record maintenance-window.ticket=DEMO-1 --approve wipe-bucket
fieldbook show "$run_id"
fieldbook report "$run_id" --format html >/dev/null
echo
echo "report: $FIELDBOOK_HOME/runs/$run_id/report.html"
