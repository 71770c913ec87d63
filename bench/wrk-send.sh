#!/usr/bin/env bash
# SendDocument under wrk, a load generator far lighter than URLSession, so more of the 2 cores is
# left to the server: `efactuur serve` as users run it, 16 connections, the corpus's typical SI-UBL
# invoice (SI-UBL-2.0_ok_full.xml, 17 KiB) with a new invoice number per request.
#   bench/wrk-send.sh [seconds]      (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
source bench/platform.sh
keys=$supplierKeys

port=$((20000 + RANDOM % 40000))
# PERF=file.data records the server with perf while it works.
${PERF:+perf record -g -o "$PERF" --} $efactuur serve --data-dir "$work" --port "$port" >/dev/null 2>&1 &
server=$!
sleep 1
login="<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><Login xmlns=\"http://api.everbinding.nl/v3_1/\"><ConsumerKey>$(echo "$keys" | field appKey)</ConsumerKey><ConsumerSecret>$(echo "$keys" | field secret)</ConsumerSecret></Login></s:Body></s:Envelope>"
token=$(curl -s -X POST --data-binary "$login" "http://127.0.0.1:$port/soap/v3.1" | sed -E 's/.*<SecurityToken>([^<]*)<.*/\1/')

# The invoice, with NUMBERX where each request puts its own number.
sed -e '1{/^<?xml/d}' -e 's|<cbc:ID>TOSL108</cbc:ID>|<cbc:ID>NUMBERX</cbc:ID>|' \
    ../shared/corpus/si-ubl-2.0/SI-UBL-2.0_ok_full.xml > "$work/invoice.xml"
python3 - "$token" "$work/invoice.xml" "$work/send.lua" <<'PY'
import sys
token, invoice, out = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
ns = "http://api.everbinding.nl/v3_1/"
body = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Authentication xmlns="%s">'
        '<SecurityToken>%s</SecurityToken></Authentication></s:Header><s:Body><SendDocument xmlns="%s">'
        '<Via><ReferenceId>XCNL10001</ReferenceId></Via><To><ReferenceId>XCNL10002</ReferenceId></To><Subject>F</Subject>'
        '<Payload>%s</Payload><TemplateId>GLDT9223370666504283001RA000000006DTP2000001</TemplateId></SendDocument>'
        '</s:Body></s:Envelope>') % (ns, token, ns, invoice)
open(out, "w").write('''
local body = [==[%s]==]
local counter, next_thread = 0, 0
setup = function(thread) thread:set("tid", next_thread); next_thread = next_thread + 1 end
request = function()
  counter = counter + 1
  return wrk.format("POST", "/soap/v3.1", {["Content-Type"] = "text/xml; charset=utf-8",
    ["SOAPAction"] = "%sSendDocument"}, string.gsub(body, "NUMBERX", "W" .. tid .. "-" .. counter))
end
response = function(status) if status ~= 200 then io.write("status " .. status .. "\\n") end end
''' % (body, ns))
PY
wrk -t2 -c16 -d"${seconds}s" --latency -s "$work/send.lua" "http://127.0.0.1:$port"
if [ -z "${PERF:-}" ]; then echo "server RSS: $(grep VmRSS /proc/$server/status)"; else kill -INT $server; wait $server || true; fi
