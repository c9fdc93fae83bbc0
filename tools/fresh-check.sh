#!/usr/bin/env bash
# `make fresh-check`: the README's two commands on a machine that has never
# seen Armada. Builds a minimal Debian bookworm (debootstrap --variant=minbase,
# plus make and git, which the README says must be there), clones this
# repository's HEAD into it, and runs, each in its own fresh chroot:
#   1. `make run`, driven as a person would: wait for the shell's prompt, type
#      `help`, check the command list, type `poweroff`, check QEMU ends;
#   2. `make test`, which must end with `N passed, 0 failed, N skipped`.
# Each step prints its verdict as a PASS/FAIL line; the logs are in build/fresh/.
# Takes 15-25 minutes (two package installs and the whole test suite), so it
# is not part of `make test`. Needs root (debootstrap, chroot, mounts).
#   FRESH_STEPS="run test" (default) or one of them; FRESH_KEEP=1 keeps the chroots.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$repo/build/fresh
steps=${FRESH_STEPS:-run test}
run_timeout=${FRESH_RUN_TIMEOUT:-2400}   # make run: installs the tools, builds, boots
test_timeout=${FRESH_TEST_TIMEOUT:-3600} # make test: installs, builds, every test

say() { printf '== fresh-check: %s\n' "$*"; }
[ "$(id -u)" = 0 ] || { echo "FAIL fresh-check: needs root (debootstrap, chroot, mount)"; exit 1; }
source tools/apt-sources.sh
if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap (apt)"
    apt-get install -y --no-install-recommends debootstrap >/dev/null ||
        { apt-get update >/dev/null 2>&1 || true; apt-get install -y --no-install-recommends debootstrap; }
fi
mirror=$(apt_debian_mirror)
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
    say "note: uncommitted changes are NOT checked: the chroots get HEAD ($(git rev-parse --short HEAD))"
mkdir -p "$work/apt-archives"

mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
    mounted=()
}
trap unmount_all EXIT
bind() { mkdir -p "$2"; mount --bind "$1" "$2"; mounted+=("$2"); }
# A chroot holds bind mounts of /dev and /sys: never remove one that still has
# a mount under it, and never cross into another file system while removing.
safe_rm() {
    if awk -v d="$1/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
        echo "FAIL fresh-check: $1 still has mounts under it; not removing it" >&2; exit 1
    fi
    rm -rf --one-file-system "$1"
}

# The base system, made once and kept as a tarball: minbase + make + git.
base=$work/base-bookworm-minbase.tar
if [ ! -s "$base" ]; then
    say "debootstrap --variant=minbase --include=make,git bookworm from $mirror"
    tmp=$work/base.tmp; safe_rm "$tmp"
    debootstrap --variant=minbase --include=make,git bookworm "$tmp" "$mirror" > "$work/debootstrap.log" 2>&1 ||
        { echo "FAIL fresh-check/debootstrap: see $work/debootstrap.log"; tail -5 "$work/debootstrap.log"; exit 1; }
    tar -C "$tmp" -cf "$base.new" . && mv "$base.new" "$base"
    safe_rm "$tmp"
fi

new_chroot() { # DIR: a fresh copy of the base, this machine's Debian sources, the tree
    local dir=$1
    safe_rm "$dir"; mkdir -p "$dir"
    tar -C "$dir" -xf "$base"
    # The sources a fresh Debian install has, from the same mirrors as this machine.
    apt_sources_lines | awk '$1 == "deb" && ($3 == "bookworm" || $3 == "bookworm-updates" ||
                             $3 == "bookworm-security")' > "$dir/etc/apt/sources.list"
    rm -f "$dir"/etc/apt/sources.list.d/*
    grep -rhs -i 'Acquire::.*Proxy' /etc/apt/apt.conf /etc/apt/apt.conf.d/ > "$dir/etc/apt/apt.conf.d/90proxy" || true
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
    git clone -q --no-local "$repo" "$dir/root/armada"
    mount -t proc proc "$dir/proc"; mounted+=("$dir/proc")
    bind /sys "$dir/sys"; bind /dev "$dir/dev"; bind /dev/pts "$dir/dev/pts"
    mount -t tmpfs tmpfs "$dir/tmp"; mounted+=("$dir/tmp")
    # Only the package cache is shared between the chroots, to download once.
    bind "$work/apt-archives" "$dir/var/cache/apt/archives"
}

in_chroot() { # DIR COMMAND: as root in a login-like environment, in the clone,
    # in a process group of its own (setsid) so that stop_group can end all of it.
    local dir=$1; shift
    setsid chroot "$dir" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/bash -c "cd /root/armada && $*"
}
stop_group() { kill -TERM -- "-$1" 2>/dev/null || true; sleep 2; kill -KILL -- "-$1" 2>/dev/null || true; }
wait_exit() { # PID SECONDS: true if PID ended in time
    local t=0
    while kill -0 "$1" 2>/dev/null; do
        [ $t -lt $(($2 * 5)) ] || return 1
        sleep 0.2; t=$((t + 1))
    done
}

wait_for() { # LOG REGEX SECONDS PID: until LOG matches, PID dies, or time is up
    local log=$1 re=$2 secs=$3 pid=$4 t=0
    while [ "$t" -lt $((secs * 5)) ]; do
        tr -d '\r' < "$log" | grep -qE -- "$re" && return 0
        kill -0 "$pid" 2>/dev/null || { tr -d '\r' < "$log" | grep -qE -- "$re"; return; }
        sleep 0.2; t=$((t + 1))
    done
    return 1
}

failures=0
step_run() {
    local dir=$work/chroot-run log=$work/make-run.log fifo=$work/make-run.in
    say "step 1: make run in a fresh chroot (log: $log)"
    new_chroot "$dir"
    rm -f "$fifo"; mkfifo "$fifo"
    start=$(date +%s)
    in_chroot "$dir" make run < "$fifo" > "$log" 2>&1 &
    local pid=$!
    exec 9> "$fifo" # held open: QEMU reads the console from here
    local verdict=""
    if ! wait_for "$log" 'armada shell: type help' "$run_timeout" "$pid"; then
        verdict="no shell prompt (last line: $(tail -1 "$log" | tr -d '\r'))"
    else
        sleep 1; printf 'help\r' >&9
        if ! wait_for "$log" 'poweroff +power the machine off' 60 "$pid"; then
            verdict="typed help, but no command list came back"
        else
            printf 'poweroff\r' >&9
            wait_for "$log" 'powering off' 60 "$pid" || verdict="typed poweroff, but it did not power off"
        fi
    fi
    if ! wait_exit "$pid" 60; then
        [ -n "$verdict" ] || verdict="QEMU did not exit after poweroff"
    fi
    stop_group "$pid" # whatever happened, no QEMU of this chroot is left behind
    local rc=0; wait "$pid" 2>/dev/null || rc=$?
    exec 9>&-; rm -f "$fifo"
    [ -n "$verdict" ] || [ "$rc" = 0 ] || verdict="make run exited $rc"
    if [ -z "$verdict" ]; then
        echo "PASS fresh-check/make-run: installed, built, booted to the shell, help, poweroff ($(( $(date +%s) - start ))s)"
    else
        echo "FAIL fresh-check/make-run: $verdict (log: $log)"; failures=$((failures + 1))
    fi
    unmount_all
    [ -n "${FRESH_KEEP:-}" ] || safe_rm "$dir"
}

step_test() {
    local dir=$work/chroot-test log=$work/make-test.log
    say "step 2: make test in a fresh chroot (log: $log)"
    new_chroot "$dir"
    start=$(date +%s)
    local rc=0
    in_chroot "$dir" make test < /dev/null > "$log" 2>&1 &
    local pid=$!
    wait_exit "$pid" "$test_timeout" || { stop_group "$pid"; rc=124; }
    [ "$rc" = 124 ] || wait "$pid" || rc=$?
    stop_group "$pid"
    local last
    last=$(tail -1 "$log" | tr -d '\r')
    if [ "$rc" = 0 ] && printf '%s\n' "$last" | grep -qE '^[1-9][0-9]* passed, 0 failed, [0-9]+ skipped$'; then
        echo "PASS fresh-check/make-test: $last ($(( $(date +%s) - start ))s)"
    else
        [ "$rc" = 124 ] && last="timed out after ${test_timeout}s; $last"
        echo "FAIL fresh-check/make-test: exit $rc, last line: $last (log: $log; runs: $work/test-logs/)"; failures=$((failures + 1))
        grep -E '^FAIL ' "$log" | head -20 || true
    fi
    # The per-run console logs outlive the chroot, for whoever reads the verdict.
    rm -rf "$work/test-logs" && cp -a "$dir/root/armada/build/test-logs" "$work/test-logs" 2>/dev/null || true
    unmount_all
    [ -n "${FRESH_KEEP:-}" ] || safe_rm "$dir"
}

for s in $steps; do
    case $s in
        run) step_run ;;
        test) step_test ;;
        *) echo "FAIL fresh-check: unknown step $s (run, test)"; exit 1 ;;
    esac
done
[ "$failures" = 0 ]
