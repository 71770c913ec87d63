#!/usr/bin/env bash
# End to end over Peppol, as users run it: two `efactuur serve` processes, each with its own
# database and access point certificate, found through a DNS server (dnslib) and the receiver's
# SMP. wrk sends SendDocument to A at 16 connections (the corpus's typical 17 KiB SI-UBL invoice,
# a new number each time) for the customer on B; each answer comes after A has looked B up (cached),
# sent the AS4 message, and B has checked, validated and stored it and signed the receipt A checks.
#   bench/peppol-send.sh [seconds]      (needs wrk; pip install dnslib)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
work=$(mktemp -d)
pids=()
trap 'kill ${pids[@]+"${pids[@]}"} 2>/dev/null || true; rm -rf "$work"' EXIT
swift build -c release --product efactuur >/dev/null
efactuur=.build/release/efactuur
field() { python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }

$efactuur peppol pki --out "$work/pki" --access-point POP000001 POP000002 >/dev/null
a=$($efactuur platform account create --data-dir "$work/a" --name Lev --email a@lev.example --json | field account)
$efactuur platform org create --data-dir "$work/a" --account "$a" --name Lev --kvk 12345678 >/dev/null
keys=$($efactuur platform keys create --data-dir "$work/a" --org XCNL10001 --email a@lev.example --json)
b=$($efactuur platform account create --data-dir "$work/b" --name Min --email a@min.example --json | field account)
$efactuur platform org create --data-dir "$work/b" --account "$b" --name Min --oin 00000001003214321000 >/dev/null

portA=$((20000 + RANDOM % 20000)); portB=$((portA + 1)); portDNS=$((portA + 2))
cat > "$work/dns.json" <<JSON
{"zone": "sml.example", "participants": [{"id": "0190:00000001003214321000", "naptr": [{"order": 100, "preference": 10,
 "flags": "U", "service": "Meta:SMP", "regexp": "!^.*\$!http://127.0.0.1:$portB/smp!", "replacement": "."}]}]}
JSON
python3 Tests/Interop/peppol/dns_server.py --port "$portDNS" "$work/dns.json" >/dev/null 2>&1 & pids+=($!)
for side in a:$portA:POP000001 b:$portB:POP000002; do
    IFS=: read -r dir port ap <<<"$side"
    $efactuur serve --data-dir "$work/$dir" --port "$port" --peppol-certificate "$work/pki/$ap.pem" \
        --peppol-key "$work/pki/$ap.key" --peppol-trust "$work/pki/trust.pem" --peppol-dns "127.0.0.1:$portDNS" \
        --peppol-sml-zone sml.example >/dev/null 2>&1 & pids+=($!)
done
sleep 1.5

login="<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><Login xmlns=\"http://api.everbinding.nl/v3_1/\"><ConsumerKey>$(echo "$keys" | field appKey)</ConsumerKey><ConsumerSecret>$(echo "$keys" | field secret)</ConsumerSecret></Login></s:Body></s:Envelope>"
token=$(curl -s -X POST --data-binary "$login" "http://127.0.0.1:$portA/soap/v3.1" | sed -E 's/.*<SecurityToken>([^<]*)<.*/\1/')
sed -e '1{/^<?xml/d}' -e 's|<cbc:ID>TOSL108</cbc:ID>|<cbc:ID>NUMBERX</cbc:ID>|' \
    ../shared/corpus/si-ubl-2.0/SI-UBL-2.0_ok_full.xml > "$work/invoice.xml"
python3 - "$token" "$work/invoice.xml" "$work/send.lua" <<'PY'
import sys
token, invoice, out = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
ns = "http://api.everbinding.nl/v3_1/"
body = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Authentication xmlns="%s">'
        '<SecurityToken>%s</SecurityToken></Authentication></s:Header><s:Body><SendDocument xmlns="%s">'
        '<Via><ReferenceId>XCNL10001</ReferenceId></Via><To><ReferenceId>0190:00000001003214321000</ReferenceId></To>'
        '<Subject>F</Subject><Payload>%s</Payload><TemplateId>GLDT9223370666504283001RA000000006DTP2000001</TemplateId>'
        '</SendDocument></s:Body></s:Envelope>') % (ns, token, ns, invoice)
open(out, "w").write('''
local body = [==[%s]==]
local counter, next_thread = 0, 0
setup = function(thread) thread:set("tid", next_thread); next_thread = next_thread + 1 end
request = function()
  counter = counter + 1
  return wrk.format("POST", "/soap/v3.1", {["Content-Type"] = "text/xml; charset=utf-8",
    ["SOAPAction"] = "%sSendDocument"}, string.gsub(body, "NUMBERX", "P" .. tid .. "-" .. counter))
end
response = function(status) if status ~= 200 then io.write("status " .. status .. "\\n") end end
''' % (body, ns))
PY
wrk -t2 -c16 -d"${seconds}s" --latency -s "$work/send.lua" "http://127.0.0.1:$portA" | grep -E "Requests/sec|requests in|  50%|  99%|Non-2xx|Socket"
echo "A: $(sqlite3 "$work/a/platform.sqlite" "SELECT route || ' ' || status_code, COUNT(*) FROM document GROUP BY 1" | tr '\n' ' ')"
echo "B: received and stored with their receipts: $(sqlite3 "$work/b/platform.sqlite" "SELECT COUNT(*) FROM peppol_message")"
