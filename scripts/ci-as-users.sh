#!/usr/bin/env bash
# CI, as root: runs the isolation tests (npm run test:isolation) as the two other kinds of
# job user, each of which takes a different isolation path:
#   wild-ci-sudo   non-root with passwordless sudo (GitHub's hosted runners);
#   wild-ci-plain  non-root without sudo (a typical self-hosted runner).
# (As root they have already run, in `npm test`.) Each user gets a copy of this work tree
# (node_modules and dist included; the project's .git is left out, no isolation test reads
# it) under /tmp, removed at the end whatever happens. Safe to run again on the same machine.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUDO_USER_NAME=wild-ci-sudo
PLAIN_USER_NAME=wild-ci-plain
SUDOERS_FILE=/etc/sudoers.d/wild-ci-sudo

die() {
  echo "ci-as-users: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "run this as root: it creates users and a sudoers drop-in"
[ "$(uname -s)" = Linux ] || die "Linux only"
for tool in runuser useradd ps pkill; do command -v "$tool" >/dev/null || die "$tool is missing"; done
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm must be on PATH"
[ -d "$REPO/node_modules" ] || die "$REPO/node_modules is missing: run 'npm ci' first"

copies=()
scratch=()
cleanup() {
  local path user
  # Interrupted mid-run: nothing of the users' may keep running (or hold a copy).
  for user in "$SUDO_USER_NAME" "$PLAIN_USER_NAME"; do
    if id -u "$user" >/dev/null 2>&1; then pkill -KILL -u "$user" 2>/dev/null || true; fi
  done
  for path in "${copies[@]}" "${scratch[@]}"; do rm -rf -- "$path"; done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# sudo, for the user who has it (and visudo, to check the drop-in).
if ! command -v sudo >/dev/null || ! command -v visudo >/dev/null; then
  command -v apt-get >/dev/null || die "sudo is not installed and there is no apt-get to install it with"
  echo "ci-as-users: installing sudo with apt-get"
  apt_log="$(mktemp /tmp/wild-ci-apt-XXXXXX.log)"
  scratch+=("$apt_log")
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sudo; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    die "could not install sudo with apt-get (output above)"
  fi
  command -v sudo >/dev/null && command -v visudo >/dev/null || die "apt-get installed sudo, yet sudo or visudo is not on PATH"
fi

# The two users, each with a home of its own and a group of its own only.
for user in "$SUDO_USER_NAME" "$PLAIN_USER_NAME"; do
  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --create-home --user-group --shell /bin/bash --comment "wild-plan CI ($user)" "$user"
  fi
  home="$(getent passwd "$user" | cut -d: -f6)"
  [ -d "$home" ] || die "the home of $user ($home) is missing"
done

# Passwordless sudo for wild-ci-sudo only; the drop-in is checked before it is put in place.
sudoers_new="$(mktemp /tmp/wild-ci-sudoers-XXXXXX)"
scratch+=("$sudoers_new")
printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$SUDO_USER_NAME" >"$sudoers_new"
visudo -cqf "$sudoers_new" >/dev/null || die "visudo rejects the drop-in for $SUDO_USER_NAME"
install -o root -g root -m 0440 "$sudoers_new" "$SUDOERS_FILE"
visudo -cq >/dev/null || die "visudo rejects the sudoers configuration with $SUDOERS_FILE"

# `argv` as `user`, with a minimal environment of our choosing (runuser would otherwise
# pass root's on), in the current directory.
as_user() {
  local user="$1" home
  shift
  home="$(getent passwd "$user" | cut -d: -f6)"
  runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" PATH="$PATH" CI=true "$@"
}

# The identity is what it claims to be, or the run would test something else.
check_identity() {
  local user="$1" wants_sudo="$2" uid
  uid="$(as_user "$user" id -u)"
  [ "$uid" != 0 ] || die "$user runs as uid 0"
  if as_user "$user" sudo -n true >/dev/null 2>&1; then
    [ "$wants_sudo" = yes ] || die "$user can run 'sudo -n true', but must have no sudo"
  else
    [ "$wants_sudo" = no ] || die "$user cannot run 'sudo -n true' without a password"
  fi
  as_user "$user" node --version >/dev/null 2>&1 || die "$user cannot run node ($(command -v node)): is it under a directory only root can enter?"
}

# Live (not zombie) processes of `user`, one pid a line.
live_processes() {
  ps -o pid=,stat= -u "$1" | awk '$2 !~ /^Z/ { print $1 }' || true
}

# A test that left a process of the user running (one a previous run left, too) is stopped
# here by the user's uid, so it holds nothing of the copy and the next run starts clean.
stop_leftovers() {
  local user="$1" when="$2" pids
  pids="$(live_processes "$user")"
  [ -n "$pids" ] || return 0
  echo "ci-as-users: $when, $user has processes running; stopping them:" >&2
  # shellcheck disable=SC2086
  ps -o pid=,args= -p "$(echo $pids | tr ' ' ,)" >&2 || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pkill -KILL -u "$user" || true
    [ -z "$(live_processes "$user")" ] && return 0
    sleep 0.2
  done
  die "processes of $user are still running: $(live_processes "$user" | tr '\n' ' ')"
}

failed=()
run_as() {
  local user="$1" label="$2" wants_sudo="$3" copy started status
  check_identity "$user" "$wants_sudo"
  stop_leftovers "$user" "before its run"
  copy="$(mktemp -d /tmp/wild-ci-XXXXXX)"
  copies+=("$copy")
  # The copy's directory is the user's and others may traverse it, as a checkout's would be.
  find "$REPO" -mindepth 1 -maxdepth 1 ! -name .git -exec cp -a -t "$copy" {} +
  chown -R -P -h "$user:" "$copy"
  chmod 0755 "$copy"
  echo
  echo "== isolation tests as $user ($label) =="
  started=$SECONDS
  status=0
  (cd "$copy" && as_user "$user" npm run test:isolation) || status=$?
  echo "== $user: exit $status after $((SECONDS - started)) s =="
  stop_leftovers "$user" "after its run"
  [ "$status" -eq 0 ] || failed+=("$user (exit $status)")
  rm -rf -- "$copy"
}

run_as "$SUDO_USER_NAME" "non-root, passwordless sudo" yes
run_as "$PLAIN_USER_NAME" "non-root, no sudo" no

if [ "${#failed[@]}" -gt 0 ]; then
  echo "ci-as-users: the isolation tests failed as: ${failed[*]}" >&2
  exit 1
fi
echo "ci-as-users: the isolation tests passed as $SUDO_USER_NAME and as $PLAIN_USER_NAME"
