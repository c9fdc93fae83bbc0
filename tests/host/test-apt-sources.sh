#!/usr/bin/env bash
# Host tests of tools/apt-sources.sh over made-up /etc/apt trees: the mirror is
# the machine's own (one-line and deb822 sources, options, comments, disabled
# stanzas), and an entry that exists is never added twice. PASS/FAIL lines.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tools/apt-sources.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0
check() { # NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then echo "PASS apt-sources/$1"
    else echo "FAIL apt-sources/$1: expected '$2', got '$3'"; failed=1; fi
}
tree() { # NAME: a fresh /etc/apt under $tmp
    APT_SOURCES_ROOT=$tmp/$1; mkdir -p "$APT_SOURCES_ROOT/sources.list.d"
}

# deb822, as bookworm installs it; the mirror is a local one.
tree deb822
cat > "$APT_SOURCES_ROOT/sources.list.d/debian.sources" <<'EOF'
Types: deb deb-src
# a comment inside the stanza
URIs: http://mirror.example.lan/debian/
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example.lan/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://disabled.example.lan/debian
Suites: bookworm-backports
Components: main
Enabled: no
EOF
check deb822-mirror "http://mirror.example.lan/debian" "$(apt_debian_mirror)"
check deb822-deb-src-seen yes "$(apt_has deb-src bookworm main && echo yes || echo no)"
check deb822-disabled-ignored no "$(apt_has deb bookworm-backports main && echo yes || echo no)"
apt_add_source armada-backports.list deb bookworm-backports main > /dev/null
check deb822-backports-added "deb http://mirror.example.lan/debian bookworm-backports main" \
    "$(cat "$APT_SOURCES_ROOT/sources.list.d/armada-backports.list")"
apt_add_source armada-backports.list deb bookworm-backports main > /dev/null
check deb822-added-once 1 "$(grep -c . "$APT_SOURCES_ROOT/sources.list.d/armada-backports.list")"

# One-line format with options and comments; backports already there elsewhere.
tree oneline
cat > "$APT_SOURCES_ROOT/sources.list" <<'EOF'
# deb http://commented.example.lan/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://proxy.example.lan:3142/debian bookworm main non-free-firmware
deb http://proxy.example.lan:3142/debian bookworm-backports main # from the installer
EOF
check oneline-mirror "http://proxy.example.lan:3142/debian" "$(apt_debian_mirror)"
apt_add_source armada-backports.list deb bookworm-backports main > /dev/null
check oneline-existing-kept-single no "$([ -e "$APT_SOURCES_ROOT/sources.list.d/armada-backports.list" ] && echo yes || echo no)"
check oneline-component-seen yes "$(apt_has deb bookworm non-free-firmware && echo yes || echo no)"

# No Debian source at all: a clear error, nothing written.
tree none
echo 'deb http://other.example.lan/ubuntu jammy main' > "$APT_SOURCES_ROOT/sources.list"
err=$(apt_add_source armada-backports.list deb bookworm-backports main 2>&1 >/dev/null); rc=$?
check none-refused "1 yes" "$rc $(printf '%s' "$err" | grep -q "no active 'deb ... bookworm main' source" && echo yes || echo no)"
check none-nothing-written no "$([ -e "$APT_SOURCES_ROOT/sources.list.d/armada-backports.list" ] && echo yes || echo no)"
exit $failed
