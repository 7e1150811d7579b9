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

# A scratch folder for the check, removed when it ends.
work=$(mktemp -d "${TMPDIR:-/tmp}/pedregal-ship.XXXXXX")
trap 'rm -rf "$work"' EXIT
