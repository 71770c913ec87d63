#!/usr/bin/env bash
# End to end over Peppol, as users run it: two `efactuur serve` processes, each with its own
# database and access point certificate, found through a DNS server (dnslib) and the receiver's
# SMP. wrk sends SendDocument to A at 8 connections (the corpus's typical 17 KiB SI-UBL invoice,
# a new number each time) for the customer on B; each answer comes after A has looked B up (cached),
# sent the AS4 message, and B has checked, validated and stored it and signed the receipt A checks.
# 8 connections already keep both cores busy; more add little to the rate and make each request
# wait longer in line: 16 give 2-10 % more invoices a second with twice the latency.
#   bench/peppol-send.sh [seconds]      (needs wrk; pip install dnslib)
#   CONNECTIONS=n bench/peppol-send.sh  wrk with n connections instead of 8
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
source bench/peppol-pair.sh
sed -e '1{/^<?xml/d}' -e 's|<cbc:ID>TOSL108</cbc:ID>|<cbc:ID>NUMBERX</cbc:ID>|' \
    ../shared/corpus/si-ubl-2.0/SI-UBL-2.0_ok_full.xml > "$work/invoice.xml"
python3 bench/send-lua.py "$token" "$work/invoice.xml" "$work/send.lua" 0190:00000001003214321000
wrk -t2 -c"${CONNECTIONS:-8}" -d"${seconds}s" --latency -s "$work/send.lua" "http://127.0.0.1:$portA" | grep -E "Requests/sec|requests in|  50%|  99%|Non-2xx|Socket"
echo "A: $(sqlite3 "$work/a/platform.sqlite" "SELECT route || ' ' || status_code, COUNT(*) FROM document GROUP BY 1" | tr '\n' ' ')"
echo "B: received and stored with their receipts: $(sqlite3 "$work/b/platform.sqlite" "SELECT COUNT(*) FROM peppol_message")"
