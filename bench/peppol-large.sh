#!/usr/bin/env bash
# A large invoice over Peppol: SendDocument to A (curl) for the customer on B; A wraps, gzips, signs
# and encrypts it, B decrypts, gunzips, validates and stores it. Prints the time, both servers'
# peak memory (VmHWM) and the SHA-256 on both sides.
#   bench/peppol-large.sh FILE.xml      (python3 bench/large-invoice.py --lines 35600 --line-bytes 1400 > FILE.xml: 50 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
file=$(realpath "$1")
source bench/peppol-pair.sh
ns="http://api.everbinding.nl/v3_1/"
echo "file: $(stat -c %s "$file") bytes"
{
  printf '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Authentication xmlns="%s"><SecurityToken>%s</SecurityToken></Authentication></s:Header><s:Body><SendDocument xmlns="%s"><Via><ReferenceId>XCNL10001</ReferenceId></Via><To><ReferenceId>0190:00000001003214321000</ReferenceId></To><Payload>' "$ns" "$token" "$ns"
  sed -e '1{/^<?xml/d}' "$file"
  printf '</Payload><TemplateId>GLDT9223370666504283001RA000000006DTP2000001</TemplateId></SendDocument></s:Body></s:Envelope>'
} > "$work/request.xml"
sent=$(curl -s -w '\n%{time_total}' -X POST -H "SOAPAction: ${ns}SendDocument" --data-binary @"$work/request.xml" "http://127.0.0.1:$portA/soap/v3.1")
echo "send over Peppol: $(echo "$sent" | tail -1) s, answer: $(echo "$sent" | head -1 | sed -E 's/.*<(ExternalId|faultstring)>([^<]*)<.*/\1 \2/')"
echo "A peak $(grep VmHWM /proc/$serverA/status | awk '{print $2, $3}'), B peak $(grep VmHWM /proc/$serverB/status | awk '{print $2, $3}')"
echo "A: $(sqlite3 "$work/a/platform.sqlite" "SELECT route, status_code, payload_sha256 FROM document")"
echo "B: $(sqlite3 "$work/b/platform.sqlite" "SELECT route, status_code, payload_sha256 FROM document")"
