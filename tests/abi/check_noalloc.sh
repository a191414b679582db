#!/bin/sh
# SPDX-License-Identifier: MIT
# The library promises zero allocation and no I/O: its shared object must not
# even import an allocator or a stdio/syscall I/O function.
# Usage: check_noalloc.sh LIBSMTPREPLY.so
set -eu

for tool in nm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool (binutils) is not installed" >&2
        exit 77
    fi
done

lib=${1:?usage: check_noalloc.sh LIB.so}
undef=$(nm -D --undefined-only "$lib" | awk '{ print $NF }' | sed 's/@.*//' | sort -u)

alloc='malloc calloc realloc free strdup strndup aligned_alloc posix_memalign reallocarray
memalign valloc pvalloc __libc_malloc __libc_calloc __libc_realloc __libc_free __strdup __strndup'
io='printf fprintf vfprintf puts fputs fputc putc putchar fwrite fread fopen fdopen fclose
fflush open openat read write close syslog perror __printf_chk __fprintf_chk __vfprintf_chk'

fail=0
for f in $alloc; do
    if printf '%s\n' "$undef" | grep -qx "$f"; then
        echo "FAIL: $lib imports the allocator function $f"
        fail=1
    fi
done
for f in $io; do
    if printf '%s\n' "$undef" | grep -qx "$f"; then
        echo "FAIL: $lib imports the I/O function $f"
        fail=1
    fi
done
echo "undefined symbols of $lib:"
printf '%s\n' "$undef" | sed 's/^/  /'
if [ "$fail" -ne 0 ]; then
    exit 1
fi
echo "ok: no allocator and no I/O function imported"
