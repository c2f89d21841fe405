#!/usr/bin/env bash
# A self-signed TLS certificate for a county yizhen-server (DESIGN.md §5, §7).
#   scripts/make-server-cert.sh DIR [HOST_OR_IP…]
# Writes DIR/server.pem (certificate, 10 years) and DIR/server.key (owner
# only), and prints the SHA-256 fingerprint that laptops pin at enrollment
# (yizhen-server admin enroll-code prints it too). Refuses to overwrite.
# Laptops trust the certificate through that pin, not through a CA, so a new
# certificate means enrolling the laptops again: keep server.key safe.
set -euo pipefail
dir="${1:?usage: make-server-cert.sh DIR [HOST_OR_IP…]}"
shift || true
names=("${@:-localhost}")
mkdir -p "$dir"
if [[ -e "$dir/server.pem" || -e "$dir/server.key" ]]; then
  echo "make-server-cert: $dir already has server.pem or server.key; not overwriting" >&2
  exit 2
fi
san=""
for n in "${names[@]}"; do
  if [[ "$n" =~ ^[0-9.]+$ || "$n" == *:* ]]; then san+="IP:$n,"; else san+="DNS:$n,"; fi
done
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/CN=${names[0]}/O=yizhen county server" -addext "subjectAltName=${san%,}" \
  -keyout "$dir/server.key" -out "$dir/server.pem" 2>/dev/null
chmod 600 "$dir/server.key"
chmod 644 "$dir/server.pem"
fp=$(openssl x509 -noout -fingerprint -sha256 -in "$dir/server.pem" | cut -d= -f2 | tr -d ':' | tr 'A-F' 'a-f')
echo "certificate  $dir/server.pem"
echo "private key  $dir/server.key"
echo "sha256       $fp"
