#!/usr/bin/env bash
# Writes a copy of the Debian 11 SSG datastream whose platform check also accepts Debian 12.
# SSG 0.1.65 (Debian 12's ssg-debian) ships no debian12 content, and its debian11 datastream matches
# /etc/debian_version against ^11.[0-9]+$, so on Debian 12 every rule would be notapplicable.
# Usage: widen-ssg.sh OUTPUT.xml [SOURCE.xml]
set -euo pipefail

out=${1:?usage: widen-ssg.sh OUTPUT.xml [SOURCE.xml]}
src=${2:-/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml}
old='^11.[0-9]+$'
new='^1[12]\.[0-9]+$'

count=$(grep -cF ">$old<" "$src" || true)
if [[ $count -ne 2 ]]; then
  echo "widen-ssg: expected 2 occurrences of $old in $src, found $count; SSG content changed?" >&2
  exit 1
fi

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# Basic regex: ^, + and $ mid-pattern are literal; \\ in the replacement writes one backslash.
sed -e 's/>^11\.\[0-9]+\$</>^1[12]\\.[0-9]+$</g' "$src" >"$tmp"

if [[ $(grep -cF ">$new<" "$tmp" || true) -ne 2 ]] || grep -qF ">$old<" "$tmp"; then
  echo "widen-ssg: replacement did not produce exactly 2 widened patterns" >&2
  exit 1
fi
oscap info "$tmp" >/dev/null
mv "$tmp" "$out"
