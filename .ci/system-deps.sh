#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when missing (idempotent, needs root or sudo).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v prlimit >/dev/null 2>&1 || need+=(util-linux)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# PostgreSQL server binaries: the gradebook tests start a throw-away cluster (never the system's).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# npm: the book fetches require.js, the widget manager and reveal.js from the npm registry at build time,
# and the Makefile installs JupyterHub's configurable-http-proxy with it.
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
