#!/bin/sh
# Generate configure and Makefile.in from configure.ac and Makefile.am.
# Needs autoconf, automake, libtool and pkg-config (Debian packages of the
# same names).
set -e
cd "$(dirname "$0")"
mkdir -p m4
autoreconf --install --force
