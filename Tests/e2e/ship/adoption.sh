#!/usr/bin/env bash
# Adopting pedregal as a platform team would, with the release binary on PATH:
# `pedregal init` → validate → generate → check; the workflow it writes (and
# examples/github/pedregal.yml) pass actionlint (with shellcheck); the
# pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit
# from a scratch hooks repository, block a commit with a bad team file
# (file:line:column in the output) and one with a stale generated/, and let
# the fixed commit through; `pedregal diff` then writes the pull-request
# comment for the last commit.
# Usage: Tests/e2e/ship/adoption.sh BINARY   (needs git, pre-commit, actionlint, shellcheck on PATH)
set -euo pipefail
cd "$(dirname "$0")/../../.."
# shellcheck source=Tests/e2e/ship/common.sh
source Tests/e2e/ship/common.sh
repository=$PWD

mkdir -p "$work/bin"
cp "$1" "$work/bin/pedregal"
export PATH="$work/bin:$PATH" PRE_COMMIT_HOME="$work/pre-commit-cache"
export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@example.org GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@example.org

cd "$work"
expect_status 0 pedregal init platform --domain spark.example.org
expect_output ".github/workflows/pedregal.yml"
cd platform
expect_status 0 pedregal validate
expect_status 0 pedregal generate
expect_status 0 pedregal check

echo "-- actionlint"
actionlint -shellcheck "$(command -v shellcheck)" .github/workflows/pedregal.yml
(cd "$repository" && actionlint -shellcheck "$(command -v shellcheck)" examples/github/pedregal.yml)

echo "-- pre-commit"
# The hooks repository: this tree's .pre-commit-hooks.yaml, committed.
mkdir "$work/hooks"
cp "$repository/.pre-commit-hooks.yaml" "$work/hooks/"
git -C "$work/hooks" init -q -b main
git -C "$work/hooks" add .pre-commit-hooks.yaml
git -C "$work/hooks" commit -qm hooks
rev=$(git -C "$work/hooks" rev-parse HEAD)
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: pedregal-validate
      - id: pedregal-check
YAML
git init -q -b main
expect_status 0 pre-commit install
git add -A
expect_status 0 git commit -qm "A new platform"
expect_output "pedregal validate"

printf 'team: broken\nowners: { admins: [a] }\nenvironments:\n  dev: { regions: [us-east-1], sise: small }\n' >teams/broken.yaml
git add teams/broken.yaml
expect_status 1 git commit -qm "A broken team"
expect_output "teams/broken.yaml:4:32: error: unknown key 'sise' in 'environments.dev'; did you mean 'size'?"
[ "$(git rev-list --count HEAD)" = 1 ] || fail "the bad commit went through"

git rm -q --cached teams/broken.yaml
rm teams/broken.yaml
expect_status 0 pedregal init --team growth
git add teams/growth.yaml
expect_status 1 git commit -qm "Growth joins, without generated/"
expect_output "is stale"
expect_status 0 pedregal generate
git add -A
expect_status 0 git commit -qm "Growth joins"
[ "$(git rev-list --count HEAD)" = 2 ] || fail "the good commit did not go through"

echo "-- the pull-request comment"
expect_status 1 pedregal diff --base-ref HEAD~1 --format markdown
expect_output "spark-growth-dev"
echo "adoption: ok"
