#!/bin/sh
# Regenerates the TLS fixtures of the API server's unit tests (valid for 100 years):
# a CA, a server certificate for 127.0.0.1 and localhost, a client certificate, and a second CA
# with a client certificate of its own (which the first CA's daemon must refuse).
# key-rsa.pem is the server key in PKCS#1 form ("RSA PRIVATE KEY"), as OpenSSL 1.x writes keys;
# ec-key.pem a SEC1 "EC PRIVATE KEY" (with its "EC PARAMETERS") for the self-signed ec-cert.pem.
set -eu
cd "$(dirname "$0")"
days=36500
ca() { # name
  openssl req -x509 -newkey rsa:2048 -nodes -days $days -subj "/CN=berth test $1" \
    -keyout "$1-key.pem" -out "$1.pem" 2>/dev/null
}
leaf() { # name ca extensions
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$1-key.pem" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2-key.pem" -CAcreateserial -days $days \
    -extfile "$1.ext" -out "$1-cert.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
ca ca
ca other-ca
leaf server ca "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
leaf client ca "extendedKeyUsage=clientAuth"
leaf other-client other-ca "extendedKeyUsage=clientAuth"
openssl rsa -in server-key.pem -traditional -out key-rsa.pem 2>/dev/null
openssl ecparam -genkey -name prime256v1 -out ec-key.pem 2>/dev/null
openssl req -x509 -key ec-key.pem -subj "/CN=berth test ec" -days $days -out ec-cert.pem 2>/dev/null
rm -f ./*.srl ca-key.pem other-ca-key.pem
