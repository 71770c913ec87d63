#!/usr/bin/env bash
# A large invoice through the platform as users send it: `efactuur serve`, SendDocument over HTTP
# (curl), the receiver's GetInboxDocument, and the SHA-256 of what went in and what came out; with
# the server's peak memory. Also times `efactuur validate` and `efactuur render` on the file.
#   bench/send-large.sh FILE.xml      (make one with bench/large-invoice.py)
#   AGAIN=n bench/send-large.sh FILE  sends it n more times: each replaces the one before
set -euo pipefail
cd "$(dirname "$0")/.."
file=$1
source bench/platform.sh

echo "file: $(stat -c %s "$file") bytes"
/usr/bin/time -f "validate: %e s, peak %M KB" $efactuur validate "$file" >/dev/null
/usr/bin/time -f "render: %e s, peak %M KB" $efactuur render "$file" -o "$work/invoice.pdf" >/dev/null

port=$((20000 + RANDOM % 40000))
# PERF=file.data records the server with perf while it works.
${PERF:+perf record -g -o "$PERF" --} $efactuur serve --data-dir "$work" --port "$port" >/dev/null 2>&1 &
server=$!
sleep 1
ns="http://api.everbinding.nl/v3_1/"
login() {
  curl -s -X POST --data-binary "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><Login xmlns=\"$ns\"><ConsumerKey>$(echo "$1" | field appKey)</ConsumerKey><ConsumerSecret>$(echo "$1" | field secret)</ConsumerSecret></Login></s:Body></s:Envelope>" \
    "http://127.0.0.1:$port/soap/v3.1" | sed -E 's/.*<SecurityToken>([^<]*)<.*/\1/'
}
token=$(login "$supplierKeys")
# The document as it goes into Payload: without its XML declaration.
sed -e '1{/^<?xml/d}' "$file" > "$work/payload.xml"
{
  printf '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Authentication xmlns="%s"><SecurityToken>%s</SecurityToken></Authentication></s:Header><s:Body><SendDocument xmlns="%s"><Via><ReferenceId>XCNL10001</ReferenceId></Via><To><ReferenceId>XCNL10002</ReferenceId></To><Payload>' "$ns" "$token" "$ns"
  cat "$work/payload.xml"
  printf '</Payload><TemplateId>GLDT9223370666504283001RA000000006DTP2000001</TemplateId></SendDocument></s:Body></s:Envelope>'
} > "$work/request.xml"
sent=$(curl -s ${NO_EXPECT:+-H "Expect:"} -w '\n%{time_total}' -X POST -H "SOAPAction: ${ns}SendDocument" --data-binary @"$work/request.xml" "http://127.0.0.1:$port/soap/v3.1")
echo "send: $(echo "$sent" | tail -1) s, answer: $(echo "$sent" | head -1 | sed -E 's/.*<(ExternalId|faultstring)>([^<]*)<.*/\1 \2/')"
externalId=$(echo "$sent" | head -1 | sed -E 's/.*<ExternalId>([^<]*)<.*/\1/')
for _ in $(seq "${AGAIN:-0}"); do
  # The same invoice again: it replaces the stored one, which is kept as an earlier revision.
  again=$(curl -s ${NO_EXPECT:+-H "Expect:"} -w '\n%{time_total}' -X POST -H "SOAPAction: ${ns}SendDocument" --data-binary @"$work/request.xml" "http://127.0.0.1:$port/soap/v3.1")
  echo "send again: $(echo "$again" | tail -1) s, answer: $(echo "$again" | head -1 | sed -E 's/.*<(ExternalId|faultstring)>([^<]*)<.*/\1 \2/')"
done
token=$(login "$customerKeys")
curl -s -w '\n%{time_total}' -X POST -H "SOAPAction: ${ns}GetInboxDocument" \
  --data-binary "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header><Authentication xmlns=\"$ns\"><SecurityToken>$token</SecurityToken></Authentication></s:Header><s:Body><GetInboxDocument xmlns=\"$ns\"><ExternalId>$externalId</ExternalId></GetInboxDocument></s:Body></s:Envelope>" \
  "http://127.0.0.1:$port/soap/v3.1" > "$work/answer.xml"
echo "receive: $(tail -1 "$work/answer.xml") s"
python3 - "$work/payload.xml" "$work/answer.xml" <<'PY'
import hashlib, re, sys
sent = open(sys.argv[1], "rb").read().strip()  # the document is its root element
answer = open(sys.argv[2], "rb").read().rsplit(b"\n", 1)[0]
start = answer.index(b"<Payload>") + len(b"<Payload>")
received = answer[start:answer.rindex(b"</Payload>")]
print("sha256 sent     ", hashlib.sha256(sent).hexdigest())
print("sha256 received ", hashlib.sha256(received).hexdigest(), "(same)" if sent == received else "(DIFFERENT)")
PY
$efactuur platform document show "$externalId" --data-dir "$work" | grep -E "bytes|sha256"
if [ -z "${PERF:-}" ]; then echo "server peak: $(grep VmHWM /proc/$server/status)"; else kill -INT $server; wait $server || true; fi
