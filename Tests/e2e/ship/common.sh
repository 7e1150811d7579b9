# shellcheck shell=bash
# Shared by the ship checks: sourced, never run.

# The version, read from its one place (PedregalVersion.current).
expected_version() {
  sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/PedregalCompiler/Compiler.swift
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_status WANT COMMAND...: runs COMMAND, fails unless it exits WANT;
# its output is kept in $output (standard output and error together).
expect_status() {
  local want=$1 status=0
  shift
  output=$("$@" 2>&1) || status=$?
  if [ "$status" != "$want" ]; then
    printf '%s\n' "$output" >&2
    fail "exit $status, wanted $want: $*"
  fi
}

# expect_output TEXT: fails unless $output contains TEXT.
expect_output() {
  grep -qF -- "$1" <<<"$output" || { printf '%s\n' "$output" >&2; fail "output lacks: $1"; }
}

# A scratch folder for the check, removed when it ends (after unmounting
# whatever mount_proc mounted in it).
work=$(mktemp -d "${TMPDIR:-/tmp}/pedregal-ship.XXXXXX")
mounts=()
finish() {
  local mount
  for mount in "${mounts[@]}"; do umount "$mount" || return; done
  rm -rf "$work"
}
trap finish EXIT

# mount_proc ROOT: /proc inside ROOT, as every container has. The Swift
# runtime reads the command line from /proc/self/cmdline: without /proc a
# statically linked Swift program sees no arguments.
mount_proc() {
  mkdir -p "$1/proc"
  mount -t proc proc "$1/proc"
  mounts+=("$1/proc")
}
