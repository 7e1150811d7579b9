#!/usr/bin/env bash
# Shell habits of the release: the bash completion script completes commands
# and option values; the zsh and fish scripts parse; the man pages render
# without warnings; diagnostics are coloured on a terminal (under `script`)
# unless NO_COLOR is set or --color never is given.
# Usage: Tests/e2e/ship/shell.sh STAGE   (STAGE: a folder made by scripts/release)
set -euo pipefail
cd "$(dirname "$0")/../../.."
# shellcheck source=Tests/e2e/ship/common.sh
source Tests/e2e/ship/common.sh
stage=$1
binary="$stage/bin/pedregal"

# complete_bash WORD…: what bash offers for the last word, as the completion
# function is called (command, current word, previous word).
complete_bash() {
  # shellcheck disable=SC2016
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
           _pedregal "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; printf "%s\n" "${COMPREPLY[@]}"' \
    bash "$stage/share/bash-completion/completions/pedregal" "$@"
}
PATH="$stage/bin:$PATH"
[ "$(complete_bash pedregal in)" = "init" ] || fail "bash does not complete 'pedregal in' to init: $(complete_bash pedregal in)"
complete_bash pedregal validate --col | grep -qx -- "--color" || fail "bash does not complete --color"
[ "$(complete_bash pedregal validate --color "" | sort | tr '\n' ' ')" = "always auto never " ] \
  || fail "bash does not offer auto/always/never after --color"
complete_bash pedregal job "" | grep -qx status || fail "bash does not complete 'pedregal job status'"
if command -v zsh >/dev/null; then zsh -n "$stage/share/zsh/site-functions/_pedregal"; else echo "zsh not installed: skipped"; fi
if command -v fish >/dev/null; then fish -n "$stage/share/fish/vendor_completions.d/pedregal.fish"; else echo "fish not installed: skipped"; fi

pages=("$stage"/share/man/man1/*.1)
[ -f "$stage/share/man/man1/pedregal.1" ] || fail "no pedregal.1"
for page in "${pages[@]}"; do
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null || true)
  [ -z "$warnings" ] || fail "$page: $warnings"
done
MANWIDTH=80 man -l "$stage/share/man/man1/pedregal.1" 2>/dev/null | grep -q "init" || fail "pedregal.1 does not mention init"

mkdir -p "$work/root"
cp -R templates "$work/root/"
mkdir -p "$work/root/teams"
printf 'team: broken\nowners: { admins: [a] }\nenvironments:\n  dev: { regions: [us-west-2], sise: small }\n' >"$work/root/teams/broken.yaml"
on_terminal() { script -qec "$*" /dev/null; }
escape=$'\e['
output=$(on_terminal "$binary validate --root $work/root" || true)
grep -qF "$escape" <<<"$output" || fail "no colour on a terminal"
output=$(NO_COLOR=1 on_terminal "$binary validate --root $work/root" || true)
! grep -qF "$escape" <<<"$output" || fail "colour despite NO_COLOR"
output=$(on_terminal "$binary validate --root $work/root --color never" || true)
! grep -qF "$escape" <<<"$output" || fail "colour despite --color never"
output=$(NO_COLOR="" on_terminal "$binary validate --root $work/root" || true)
grep -qF "$escape" <<<"$output" || fail "an empty NO_COLOR turned colour off (no-color.org: only a non-empty value does)"
echo "shell habits: ok"
