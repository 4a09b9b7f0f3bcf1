#!/usr/bin/env bash
# Installs, from Debian's packages, what the test suite uses beyond Node: nftables and iproute2 for the
# packet lab (bulkhead test --runner lab), Go and sigs.k8s.io/yaml for the kubectl YAML reference test,
# chromium for the HTML report's browser test (driven by playwright-core).
# Only what is missing is installed; without root (or apt-get) it says what is missing and exits 0:
# those tests then skip with the reason printed.
set -euo pipefail
need=()
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -d /usr/share/gocode/src/sigs.k8s.io/yaml ] || need+=(golang-k8s-sigs-yaml-dev)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies: all present"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test dependencies missing (${need[*]}): not root or no apt-get, so the tests that need them will skip"
  exit 0
fi
echo "installing test dependencies: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
