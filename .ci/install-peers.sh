#!/usr/bin/env bash
# Installs the real peers the lab tests talk to (Debian packages) without starting any daemon in
# the root namespace. libnss-mdns is deliberately left out: it rewrites /etc/nsswitch.conf. zsh and fish
# only parse the completion scripts fe80 prints.
set -euo pipefail
pkgs=(iproute2 iputils-ping socat netcat-openbsd curl nginx-light avahi-daemon avahi-utils lldpd openssl python3 procps chromium zsh fish)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps postinst scripts from starting nginx/avahi in the root namespace.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.fe80 && chmod +x /usr/sbin/policy-rc.d.fe80
  had_policy=0; [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  [ $had_policy = 1 ] || cp /usr/sbin/policy-rc.d.fe80 /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ $had_policy = 1 ] || rm -f /usr/sbin/policy-rc.d
  rm -f /usr/sbin/policy-rc.d.fe80
fi
# Whatever happened above, no peer daemon may run in the root namespace.
pkill -x nginx 2>/dev/null || true
pkill -x avahi-daemon 2>/dev/null || true
pkill -x lldpd 2>/dev/null || true
