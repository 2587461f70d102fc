#!/bin/sh
# Prints, one per line, the Debian packages that provide the shared libraries the given
# binaries load (ldd, then dpkg). The Dockerfile installs exactly these in the runtime image.
# Fails when a library is missing or belongs to no package.
set -eu
libs=$(for binary in "$@"; do ldd "$binary"; done |
  awk '/=> not found/ { print "MISSING:" $1; next }
       /=>/ { print $3; next }
       $1 ~ /^\// { print $1 }' | sort -u)
packages=""
for lib in $libs; do
  case $lib in MISSING:*) echo "runtime-packages: ${lib#MISSING:} not found" >&2; exit 1 ;; esac
  real=$(readlink -f "$lib")
  found=""
  # Debian 12 is mid /usr-merge: dpkg may know a library by its /lib or its /usr/lib path.
  for candidate in "$lib" "$real" "/usr$lib" "${lib#/usr}" "/usr$real" "${real#/usr}"; do
    if owner=$(dpkg-query -S "$candidate" 2>/dev/null); then
      found=$(printf '%s\n' "$owner" | head -n 1 | cut -d: -f1)
      break
    fi
  done
  if [ -z "$found" ]; then
    echo "runtime-packages: no package provides $lib" >&2
    exit 1
  fi
  packages="$packages $found"
done
printf '%s\n' $packages | sort -u
