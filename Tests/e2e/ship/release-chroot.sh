#!/usr/bin/env bash
# The release binary on a machine without Swift: an empty folder holding only
# the binary and the system libraries `ldd` names, entered with chroot. There
# it prints its version, validates and generates a copy of this repository's
# root (byte for byte what is committed), reports a bad team file at
# file:line:column, answers `submit --help`, scaffolds a platform with `init`,
# and fails cleanly on a missing job template. /proc is mounted, as in any
# container: the Swift runtime reads the command line from it.
# Usage: Tests/e2e/ship/release-chroot.sh BINARY   (as root)
set -euo pipefail
cd "$(dirname "$0")/../../.."
# shellcheck source=Tests/e2e/ship/common.sh
source Tests/e2e/ship/common.sh
binary=$1

root="$work/root"
mkdir -p "$root/bin" "$root/tmp"
cp "$binary" "$root/bin/pedregal"
scripts/copy-libraries "$binary" "$root"
echo "chroot holds: $(cd "$root" && find . -type f | sort | tr '\n' ' ')(and /proc)"
if find "$root" -name 'libswift*' -o -name 'libFoundation*' -o -name 'libyaml*' -o -name 'libicu*' -o -name 'libstdc++*' -o -name 'libgcc_s*' | grep -q .; then
  fail "the chroot holds Swift, Foundation, ICU, libyaml or C++ runtime libraries"
fi
mount_proc "$root"
run() { chroot "$root" /bin/pedregal "$@"; }

expect_status 0 run --version
[ "$output" = "$(expected_version)" ] || fail "--version printed '$output', wanted '$(expected_version)'"
expect_status 0 run submit --version
[ "$output" = "$(expected_version)" ] || fail "submit --version printed '$output'"

mkdir -p "$root/platform"
cp -R teams templates "$root/platform/"
expect_status 0 run validate --root /platform
expect_output "files valid"
expect_status 0 run generate --root /platform
diff -r generated "$root/platform/generated" >/dev/null || fail "the release binary generates other bytes than generated/"
expect_status 0 run check --root /platform

printf 'team: broken\nowners: { admins: [a] }\nenvironments:\n  dev: { regions: [us-west-2], sise: small }\n' \
  >"$root/platform/teams/broken.yaml"
expect_status 1 run validate --root /platform --color never
expect_output "/platform/teams/broken.yaml:4:32: error: unknown key 'sise'"
expect_output "did you mean 'size'?"

expect_status 0 run submit --help
expect_output "--template <file>"
expect_output "--in-cluster"

expect_status 0 run init /fresh --domain spark.example.org
expect_status 0 run init --team growth --root /fresh
expect_status 0 run validate --root /fresh
expect_status 0 run generate --root /fresh

# What the CronJob runs, with its template missing: a clean error (image.sh
# runs it for real against a TLS server).
expect_status 74 run submit --template /platform/job.yaml --in-cluster --cluster sk8-us-west-2
expect_output "pedregal: error: template '/platform/job.yaml' does not exist"
echo "release binary under chroot: ok"
