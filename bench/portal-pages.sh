#!/usr/bin/env bash
# The portal's pages under wrk, signed in, with many documents in the store: the customer's inbox
# (first page and a page deep in the list), a document page (the invoice laid out, validated),
# and the organisations page. Prints each page's p50, p95 and p99 in milliseconds.
#   bench/portal-pages.sh [documents] [seconds per page]     (defaults: 100000, 10; needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
documents=${1:-100000}
seconds=${2:-10}
source bench/platform.sh
echo een-goed-wachtwoord | $efactuur platform user set-password --data-dir "$work" --account ACC100002 --email a@min.example >/dev/null

port=$((20000 + RANDOM % 40000))
base="http://127.0.0.1:$port"
start_server() {
    $efactuur serve --data-dir "$work" --port "$port" >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 50); do curl -sf "$base/health" >/dev/null && return; sleep 0.1; done
}
start_server

# One real invoice from the supplier to the customer, through SendDocument.
login="<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><Login xmlns=\"http://api.everbinding.nl/v3_1/\"><ConsumerKey>$(echo "$supplierKeys" | field appKey)</ConsumerKey><ConsumerSecret>$(echo "$supplierKeys" | field secret)</ConsumerSecret></Login></s:Body></s:Envelope>"
token=$(curl -s -X POST --data-binary "$login" "$base/soap/v3.1" | sed -E 's/.*<SecurityToken>([^<]*)<.*/\1/')
payload=$(sed -e '1{/^<?xml/d}' ../shared/corpus/si-ubl-2.0/SI-UBL-2.0_ok_full.xml)
send="<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header><Authentication xmlns=\"http://api.everbinding.nl/v3_1/\"><SecurityToken>$token</SecurityToken></Authentication></s:Header><s:Body><SendDocument xmlns=\"http://api.everbinding.nl/v3_1/\"><Via><ReferenceId>XCNL10001</ReferenceId></Via><To><ReferenceId>XCNL10002</ReferenceId></To><Subject>Factuur</Subject><Payload>$payload</Payload><TemplateId>GLDT9223370666504283001RA000000006DTP2000001</TemplateId></SendDocument></s:Body></s:Envelope>"
external=$(curl -s -X POST -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "http://api.everbinding.nl/v3_1/SendDocument"' --data-binary "$send" "$base/soap/v3.1" | sed -E 's/.*<ExternalId>([^<]*)<.*/\1/')
case "$external" in XCNIN*) ;; *) echo "the invoice was not sent: $external" >&2; exit 1 ;; esac
kill $server; wait $server 2>/dev/null || true

# The rest copied from it in SQL, each with its own Delivery ID and identity: a store of that
# size is the point, not how it was filled.
python3 - "$work/platform.sqlite" "$documents" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
count = int(sys.argv[2]) - 1
columns = [row[1] for row in db.execute("PRAGMA table_info(document)") if row[1] != "seq"]
values = {"external_id": "'XCNIN' || (200000 + n.i)", "message_id": "'EM' || (200000 + n.i)", "identity": "identity || '#' || n.i",
          "invoice_id": "invoice_id || '-' || n.i", "subject": "subject || '-' || n.i"}
select = ", ".join(values.get(column, "d." + column) for column in columns)
db.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
               INSERT INTO document ({", ".join(columns)}) SELECT {select} FROM n, (SELECT * FROM document LIMIT 1) d""")
db.commit()
print(f"documents in the store: {db.execute('SELECT COUNT(*) FROM document').fetchone()[0]}")
PY
start_server

# Signed in as the customer, the way a browser is: visitor cookie and token, then the session.
jar="$work/cookies"
csrf=$(curl -s -c "$jar" "$base/portal/sign-in" | sed -nE 's/.*name="csrf" value="([0-9a-f]+)".*/\1/p' | head -1)
curl -s -b "$jar" -c "$jar" -o /dev/null --data "csrf=$csrf&email=a%40min.example&password=een-goed-wachtwoord" "$base/portal/sign-in"
session=$(awk '$6 == "efactuur_session" { print $7 }' "$jar")
deep=$((documents / 2))

cat > "$work/page.lua" <<LUA
wrk.headers["Cookie"] = "efactuur_session=$session"
done = function(summary, latency, requests)
    io.write(string.format("requests %d, errors %d (non-2xx %d), p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n",
        summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
        summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
for page in "/portal/organisations/XCNL10002/inbox" "/portal/organisations/XCNL10002/inbox?page=$deep" \
    "/portal/organisations/XCNL10002/inbox?status=20" "/portal/organisations/XCNL10002/inbox?subject=Factuur" \
    "/portal/organisations/XCNL10002/documents/$external" \
    "/portal/organisations"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -b "efactuur_session=$session" "$base$page")
    printf '%-55s HTTP %s  ' "$page" "$status"
    wrk -t2 -c8 -d"${seconds}s" -s "$work/page.lua" "$base$page" | tail -1
done
echo "server RSS: $(grep VmRSS /proc/$server/status)"
