#!/bin/sh
# Installs mgate's Debian package and what it depends on and recommends (the PostgreSQL server,
# git) from the system's apt sources: the Dockerfile's install step, and the one that
# scripts/cleanroom-deb.sh runs in a fresh Debian 12 root.
#   sh install-deb.sh /path/to/mgate_VERSION_amd64.deb
set -eu
[ $# -eq 1 ] || { echo "usage: install-deb.sh /path/to/mgate_VERSION_amd64.deb" >&2; exit 2; }
# apt-get takes a package file only as a path, never as a bare name.
case "$1" in /* | ./*) deb=$1 ;; *) deb=./$1 ;; esac
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb"
rm -rf /var/lib/apt/lists/*
