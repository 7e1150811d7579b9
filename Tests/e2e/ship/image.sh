#!/usr/bin/env bash
# The runner image: built with podman from image/Containerfile (linted with
# hadolint), its filesystem exported and checked to hold nothing but the
# binary, the C library, CA certificates, passwd and group; its tag, its
# binary's --version and the Swift constant agree; then the binary runs in
# that filesystem under chroot as user 65532, as the CronJob's pod does:
# `--version`, `validate`, and the CronJob's own `submit --template …
# --in-cluster` against a TLS server on 127.0.0.1, which proves that the
# ServiceAccount token and CA are read and TLS is verified.
# Usage: Tests/e2e/ship/image.sh   (as root, after scripts/release; needs podman, hadolint, openssl)
set -euo pipefail
cd "$(dirname "$0")/../../.."
# shellcheck source=Tests/e2e/ship/common.sh
source Tests/e2e/ship/common.sh

hadolint image/Containerfile
image=$(scripts/build-image localhost)
version=$(expected_version)
[ "$image" = "localhost/pedregal:$version" ] || fail "image $image, wanted localhost/pedregal:$version"
echo "image $image: $(podman image inspect "$image" --format '{{.Size}}') bytes"
config=$(podman image inspect "$image" --format '{{.Config.User}} {{json .Config.Entrypoint}}')
[ "$config" = '65532:65532 ["/usr/local/bin/pedregal"]' ] || fail "image config: $config"

# The filesystem, as a pod would see it.
rootfs="$work/rootfs"
mkdir -p "$rootfs"
container=$(podman create "$image")
podman export "$container" | tar -C "$rootfs" -x
podman rm "$container" >/dev/null
files=$(cd "$rootfs" && find . -type f -o -type l | sort | tr '\n' ' ')
echo "image holds: $files"
for wanted in ./etc/passwd ./etc/group ./etc/ssl/certs/ca-certificates.crt ./usr/local/bin/pedregal; do
  grep -qF "$wanted " <<<"$files" || fail "the image lacks $wanted"
done
extra=$(tr ' ' '\n' <<<"$files" | grep -vE '^(\./etc/(passwd|group|ssl/certs/ca-certificates\.crt)|\./usr/local/bin/pedregal|\./lib/(x86_64|aarch64)-linux-gnu/lib(c|m)\.so\.6|\./lib64/ld-linux-x86-64\.so\.2|\./lib/ld-linux-aarch64\.so\.1|)$' || true)
[ -z "$extra" ] || fail "the image holds more than it should: $extra"
[ ! -e "$rootfs/bin/sh" ] || fail "the image has a shell"
grep -q '^nonroot:x:65532:65532:' "$rootfs/etc/passwd" || fail "no user 65532 in /etc/passwd"
grep -q 'runAsUser: 65532' generated/sk8-us-west-2/sjns-feature-eng-prod/cronjob-daily-user-features.yaml \
  || fail "the generated CronJob no longer runs as 65532; change image/passwd and the Containerfile's USER with it"

mount_proc "$rootfs"
chroot=$(command -v chroot)
run() { "$chroot" --userspec=65532:65532 "$rootfs" /usr/local/bin/pedregal "$@"; }
expect_status 0 run --version
[ "$output" = "$version" ] || fail "the image's pedregal --version printed '$output', wanted '$version'"

# A platform root the unprivileged user can read (the pod's root is read-only).
mkdir -p "$rootfs/platform"
cp -R teams templates generated "$rootfs/platform/"
expect_status 0 run validate --root /platform
expect_status 0 run check --root /platform

# The CronJob's pod: its job template mounted from the ConfigMap, a
# projected ServiceAccount token and CA, KUBERNETES_SERVICE_HOST/PORT.
cronjob=generated/sk8-us-west-2/sjns-feature-eng-prod/cronjob-daily-user-features.yaml
configmap=generated/sk8-us-west-2/sjns-feature-eng-prod/configmap-job-daily-user-features.yaml
mkdir -p "$rootfs/etc/pedregal/job" "$rootfs/var/run/secrets/kubernetes.io/serviceaccount"
python3 - "$configmap" "$rootfs/etc/pedregal/job" <<'PY'
import sys, yaml
document = yaml.safe_load(open(sys.argv[1]))
for key, text in document["data"].items():
    open(f"{sys.argv[2]}/{key}", "w").write(text)
PY
[ -f "$rootfs/etc/pedregal/job/sparkapplication.yaml" ] || fail "the ConfigMap has no sparkapplication.yaml"
secrets="$rootfs/var/run/secrets/kubernetes.io/serviceaccount"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=kubernetes -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/server.key" -out "$secrets/ca.crt" 2>/dev/null
echo "e2e-token" >"$secrets/token"
echo "sjns-feature-eng-prod" >"$secrets/namespace"
mapfile -t args < <(python3 - "$cronjob" <<'PY'
import sys, yaml
pod = yaml.safe_load(open(sys.argv[1]))["spec"]["jobTemplate"]["spec"]["template"]["spec"]
for arg in pod["containers"][0]["args"]:
    print(arg.replace("$(PEDREGAL_JOB_NAME)", "daily-user-features-29000000"))
PY
)
# Every flag the CronJob passes must be one `submit` accepts, or every
# scheduled run fails with exit 64 before it reaches the cluster.
expect_status 0 run submit --help
for arg in "${args[@]}"; do
  case $arg in
    --*) grep -qF -- "$arg" <<<"$output" || fail "the generated CronJob passes $arg, which this binary's submit does not accept" ;;
  esac
done
coproc server { exec python3 Tests/e2e/ship/fake-apiserver.py "$secrets/ca.crt" "$work/server.key" --seconds 60; }
read -r port <&"${server[0]}"
expect_status 77 env -i KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$port" \
  "$chroot" --userspec=65532:65532 "$rootfs" /usr/local/bin/pedregal "${args[@]}"
expect_output "403"
read -r -t 5 request <&"${server[0]}" || fail "the server saw no request"
grep -q "bearer=True" <<<"$request" || fail "the request carried no bearer token: $request"

# A server whose certificate the ServiceAccount CA did not sign: refused.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/other.key" -out "$work/other.crt" 2>/dev/null
# shellcheck disable=SC2154  # coproc sets server_PID
kill "$server_PID" 2>/dev/null || true
coproc other { exec python3 Tests/e2e/ship/fake-apiserver.py "$work/other.crt" "$work/other.key" --seconds 60; }
read -r port <&"${other[0]}"
expect_status 69 env -i KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$port" \
  "$chroot" --userspec=65532:65532 "$rootfs" /usr/local/bin/pedregal "${args[@]}"
# shellcheck disable=SC2154  # coproc sets other_PID
kill "$other_PID" 2>/dev/null || true
podman rmi "$image" >/dev/null
echo "runner image: ok"
