#!/usr/bin/env bash
# SendDocument under wrk, a load generator far lighter than URLSession, so more of the 2 cores is
# left to the server: `efactuur serve` as users run it, 16 connections, the corpus's typical SI-UBL
# invoice (SI-UBL-2.0_ok_full.xml, 17 KiB) with a new invoice number per request.
#   bench/wrk-send.sh [seconds]      (needs wrk: apt-get install wrk)
#   METRICS=file bench/wrk-send.sh   also keeps the server's /metrics after the run
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
source bench/platform.sh
keys=$supplierKeys

port=$((20000 + RANDOM % 40000))
# PERF=file.data records the server with perf while it works (PERF_OPTIONS replaces -g, e.g.
# "--call-graph dwarf,16384 -F 299": libxml2 and SQLite have no frame pointers).
${PERF:+perf record ${PERF_OPTIONS:--g} -o "$PERF" --} $efactuur serve --data-dir "$work" --port "$port" >/dev/null 2>&1 &
server=$!
sleep 1
login="<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><Login xmlns=\"http://api.everbinding.nl/v3_1/\"><ConsumerKey>$(echo "$keys" | field appKey)</ConsumerKey><ConsumerSecret>$(echo "$keys" | field secret)</ConsumerSecret></Login></s:Body></s:Envelope>"
token=$(curl -s -X POST --data-binary "$login" "http://127.0.0.1:$port/soap/v3.1" | sed -E 's/.*<SecurityToken>([^<]*)<.*/\1/')

# The invoice, with NUMBERX where each request puts its own number.
sed -e '1{/^<?xml/d}' -e 's|<cbc:ID>TOSL108</cbc:ID>|<cbc:ID>NUMBERX</cbc:ID>|' \
    ../shared/corpus/si-ubl-2.0/SI-UBL-2.0_ok_full.xml > "$work/invoice.xml"
python3 bench/send-lua.py "$token" "$work/invoice.xml" "$work/send.lua" XCNL10002
wrk -t2 -c16 -d"${seconds}s" --latency -s "$work/send.lua" "http://127.0.0.1:$port"
if [ -n "${METRICS:-}" ]; then curl -s "http://127.0.0.1:$port/metrics" > "$METRICS"; fi
if [ -z "${PERF:-}" ]; then echo "server RSS: $(grep VmRSS /proc/$server/status)"; else kill -INT $server; wait $server || true; fi
