#!/bin/sh
# SPDX-License-Identifier: MIT
# The shared library's dynamic symbol table must be exactly the version script:
#   - every defined dynamic symbol is a smtpreply_* function, versioned in the
#     node the script puts it in (SMTPREPLY_0.1, later nodes for later additions);
#   - every name the script lists is exported;
#   - the SONAME is libsmtpreply.so.0.
# Usage: check_exports.sh LIBSMTPREPLY.so SMTPREPLY.sym [EXPECTED_SONAME]
set -eu

for tool in nm readelf; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool (binutils) is not installed" >&2
        exit 77
    fi
done

lib=${1:?usage: check_exports.sh LIB.so SYMFILE [SONAME]}
sym=${2:?usage: check_exports.sh LIB.so SYMFILE [SONAME]}
want_soname=${3:-libsmtpreply.so.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# "name node" for every global of the version script: the node is the word
# before "{", the globals are the ";"-ended words after "global:".
sed 's/#.*//' "$sym" | tr '\n' ' ' | tr -s ' \t' '  ' | awk '
    {
        n = split($0, tok, /[ ]+/)
        node = ""; global = 0
        for (i = 1; i <= n; i++) {
            t = tok[i]
            if (t == "") continue
            if (t == "{") continue
            if (t ~ /\{$/) { node = substr(t, 1, length(t) - 1); global = 0; continue }
            if (i < n && tok[i + 1] == "{") { node = t; global = 0; continue }
            if (t == "global:") { global = 1; continue }
            if (t == "local:") { global = 0; continue }
            if (t ~ /^}/) { global = 0; continue }
            if (global) { sub(/;$/, "", t); if (t != "") print t, node }
        }
    }' | sort >"$tmp/want"

if [ ! -s "$tmp/want" ]; then
    echo "FAIL: no global symbols found in $sym"
    exit 1
fi

# Defined dynamic symbols, "type name@@version". binutils 2.35+ prints the
# version with -D; --with-symbol-versions asks older ones for it too.
if ! nm -D --defined-only --with-symbol-versions "$lib" >"$tmp/nm" 2>/dev/null; then
    nm -D --defined-only "$lib" >"$tmp/nm"
fi
nodes=$(cut -d' ' -f2 "$tmp/want" | sort -u)
: >"$tmp/got"
while read -r a b c; do
    # "addr type name" (or "type name" for absolute symbols without address)
    if [ -n "$c" ]; then type=$b; name=$c; else type=$a; name=$b; fi
    base=${name%%@*}
    ver=${name#"$base"}
    ver=${ver#@}
    ver=${ver#@}
    # The version nodes themselves appear as absolute symbols.
    if [ "$type" = A ] && printf '%s\n' "$nodes" | grep -qx "$base"; then
        continue
    fi
    case $base in
    smtpreply_*) ;;
    *)
        echo "FAIL: exported symbol outside the smtpreply_ prefix: $name ($type)"
        fail=1
        continue
        ;;
    esac
    case $type in
    T) ;;
    *)
        echo "FAIL: exported symbol is not a function (nm type $type): $name"
        fail=1
        ;;
    esac
    if [ -z "$ver" ]; then
        echo "FAIL: exported symbol has no version node: $base"
        fail=1
    fi
    echo "$base $ver" >>"$tmp/got"
done <"$tmp/nm"
sort -o "$tmp/got" "$tmp/got"

if ! diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
    echo "FAIL: exports differ from $sym (- listed in the script only, + exported only):"
    sed -n '3,$p' "$tmp/diff" | grep '^[-+]'
    fail=1
fi

# SONAME from the dynamic section.
soname=$(readelf -d "$lib" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ -z "$soname" ] && command -v objdump >/dev/null 2>&1; then
    soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
fi
if [ "$soname" != "$want_soname" ]; then
    echo "FAIL: SONAME is '$soname', expected '$want_soname'"
    fail=1
fi

count=$(wc -l <"$tmp/want" | tr -d ' ')
if [ "$fail" -ne 0 ]; then
    echo "exports check failed for $lib"
    exit 1
fi
echo "ok: $count symbols exported, all smtpreply_* functions in their version nodes ($(echo $nodes)); SONAME $soname"
