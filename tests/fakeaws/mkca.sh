#!/bin/sh
# mkca.sh DIR - make a throw-away test CA and a server certificate for the
# fake AWS endpoint (SAN IP:127.0.0.1, DNS:localhost) with the openssl CLI.
#
# Writes DIR/ca.pem DIR/ca.key DIR/server.pem DIR/server.key (EC P-256,
# 30 days).  Idempotent: if all four exist, nothing is done.  The files are
# made in a temporary directory and moved into place, so concurrent runs on
# the same DIR do not see half-written files.
set -eu

dir=${1:?usage: mkca.sh DIR}
days=${MKCA_DAYS:-30}

mkdir -p "$dir"
if [ -s "$dir/ca.pem" ] && [ -s "$dir/ca.key" ] && [ -s "$dir/server.pem" ] \
	&& [ -s "$dir/server.key" ]; then
	exit 0
fi

tmp=$(mktemp -d "$dir/.mkca.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
umask 077

cat >"$tmp/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = driftwatch test CA
O = driftwatch tests
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

cat >"$tmp/server.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.ec" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/ca.ec" -out "$tmp/ca.key"
openssl req -new -x509 -config "$tmp/ca.cnf" -key "$tmp/ca.key" \
	-days "$days" -sha256 -set_serial "0x$(openssl rand -hex 8)" \
	-out "$tmp/ca.pem"

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/server.ec" \
	2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/server.ec" -out "$tmp/server.key"
openssl req -new -key "$tmp/server.key" -subj "/CN=localhost/O=driftwatch tests" \
	-out "$tmp/server.csr"
openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
	-set_serial "0x$(openssl rand -hex 8)" -days "$days" -sha256 \
	-extfile "$tmp/server.ext" -out "$tmp/server.pem" 2>/dev/null

chmod 644 "$tmp/ca.pem" "$tmp/server.pem"
# keys first, certificates last: a reader that sees server.pem sees it all
for f in ca.key server.key ca.pem server.pem; do
	mv -f "$tmp/$f" "$dir/$f"
done
exit 0
