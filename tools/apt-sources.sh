#!/usr/bin/env bash
# Sourced by the install scripts: read the machine's own apt sources, so an
# entry we add (backports, non-free-firmware, deb-src) points at the mirror or
# proxy this machine already uses, and is never added twice.
#   apt_sources_lines            every active source as "TYPE URI SUITE COMPONENT..."
#   apt_debian_mirror            the URI that serves bookworm's main component
#   apt_has TYPE SUITE [COMPONENT]  true when such a source is already active
#   apt_add_source FILE TYPE SUITE COMPONENT  adds one, from apt_debian_mirror
# APT_SOURCES_ROOT (default /etc/apt) lets the host tests point it elsewhere.

APT_SOURCES_ROOT=${APT_SOURCES_ROOT:-/etc/apt}

# One-line format (sources.list, *.list): "deb [opts] URI SUITE COMPONENT...".
_apt_list_lines() {
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$@" 2>/dev/null |
        awk '($1 == "deb" || $1 == "deb-src") && NF >= 3 { print }'
}

# deb822 format (*.sources): stanzas of Types/URIs/Suites/Components fields,
# each of which may hold several values; Enabled: no turns a stanza off.
_apt_deb822_lines() {
    local f
    for f in "$@"; do
        [ -r "$f" ] || continue
        awk '
            function flush(   t, u, s, nt, nu, ns, i, j, k) {
                if (types != "" && uris != "" && suites != "" && enabled != "no") {
                    nt = split(types, t, " "); nu = split(uris, u, " "); ns = split(suites, s, " ")
                    for (i = 1; i <= nt; i++) for (j = 1; j <= nu; j++) for (k = 1; k <= ns; k++)
                        print t[i], u[j], s[k], comps
                }
                types = uris = suites = comps = ""; enabled = "yes"
            }
            BEGIN { enabled = "yes" }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            {
                line = $0; key = tolower(line); sub(/:.*/, "", key)
                val = line; sub(/^[^:]*:[ \t]*/, "", val)
                if (key == "types") types = val
                else if (key == "uris") uris = val
                else if (key == "suites") suites = val
                else if (key == "components") comps = val
                else if (key == "enabled") enabled = tolower(val)
            }
            END { flush() }
        ' "$f"
    done
}

apt_sources_lines() {
    local lists=() d822=() f
    [ -e "$APT_SOURCES_ROOT/sources.list" ] && lists+=("$APT_SOURCES_ROOT/sources.list")
    for f in "$APT_SOURCES_ROOT"/sources.list.d/*.list; do [ -e "$f" ] && lists+=("$f"); done
    for f in "$APT_SOURCES_ROOT"/sources.list.d/*.sources; do [ -e "$f" ] && d822+=("$f"); done
    [ ${#lists[@]} -gt 0 ] && _apt_list_lines "${lists[@]}"
    [ ${#d822[@]} -gt 0 ] && _apt_deb822_lines "${d822[@]}"
    return 0
}

apt_debian_mirror() {
    local uri
    uri=$(apt_sources_lines | awk '$1 == "deb" && $3 == "bookworm" {
              for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }')
    if [ -z "$uri" ]; then
        echo "apt-sources: no active 'deb ... bookworm main' source in $APT_SOURCES_ROOT;" \
             "add your Debian mirror first" >&2
        return 1
    fi
    echo "${uri%/}"
}

apt_has() { # TYPE SUITE [COMPONENT]
    local type=$1 suite=$2 comp=${3:-}
    apt_sources_lines | awk -v t="$type" -v s="$suite" -v c="$comp" '
        $1 == t && $3 == s { if (c == "") found = 1; for (i = 4; i <= NF; i++) if ($i == c) found = 1 }
        END { exit !found }'
}

apt_add_source() { # FILE TYPE SUITE COMPONENT
    local file=$1 type=$2 suite=$3 comp=$4 mirror
    apt_has "$type" "$suite" "$comp" && return 0
    mirror=$(apt_debian_mirror) || return 1
    echo "$type $mirror $suite $comp" >> "$APT_SOURCES_ROOT/sources.list.d/$file"
    echo "apt-sources: added '$type $mirror $suite $comp' ($APT_SOURCES_ROOT/sources.list.d/$file)"
}
