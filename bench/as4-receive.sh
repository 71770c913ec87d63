#!/usr/bin/env bash
# Receiving over Peppol as users run it: `efactuur serve` as an access point, AS4 messages built by
# the PyPI as4 package (each the corpus's typical 17 KiB SI-UBL invoice with its own number and
# MessageId), posted by wrk at 16 connections. Every message is decrypted, its signature and
# certificate chain checked, gunzipped, validated, stored with its receipt, and the receipt signed.
#   bench/as4-receive.sh [seconds] [messages]     (needs wrk; pip install as4)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
messages=${2:-12000}
source bench/platform.sh

$efactuur peppol pki --out "$work/pki" --access-point POP000001 POP000002 >/dev/null
sed -e '1{/^<?xml/d}' -e 's|<cbc:ID>TOSL108</cbc:ID>|<cbc:ID>NUMBERX</cbc:ID>|' \
    ../shared/corpus/si-ubl-2.0/SI-UBL-2.0_ok_full.xml > "$work/invoice.xml"
echo "building $messages messages with the as4 package …" >&2
python3 bench/as4-messages.py "$messages" "$work/pki/POP000001.pem" "$work/pki/POP000001.key" \
    "$work/pki/POP000002.pem" 0190:00000001003214321000 "$work/invoice.xml" "$work/messages"

port=$((20000 + RANDOM % 40000))
${PERF:+perf record -g -o "$PERF" --} $efactuur serve --data-dir "$work" --port "$port" \
    --peppol-certificate "$work/pki/POP000002.pem" --peppol-key "$work/pki/POP000002.key" \
    --peppol-trust "$work/pki/trust.pem" --peppol-smp-trust "$work/pki/trust.pem" --peppol-dns 127.0.0.1:9 >/dev/null 2>&1 &
server=$!
sleep 1

cat > "$work/as4.lua" <<LUA
-- Each of wrk's threads posts its own share of the messages, in order, none twice.
local folder, total, threads = "$work/messages/", $messages, 2
local counter = 0
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args) index = id - threads; bodies = {}; types = {} end
function request()
  index = index + threads
  if index > total then index = id end
  if bodies[index] == nil then
    local f = io.open(folder .. index .. ".body", "rb"); bodies[index] = f:read("*a"); f:close()
    f = io.open(folder .. index .. ".ct", "r"); types[index] = f:read("*a"); f:close()
  end
  return wrk.format("POST", "/as4", {["Content-Type"] = types[index]}, bodies[index])
end
function done(summary, latency, requests)
  io.write(string.format("requests %d, p50 %.1f ms, p99 %.1f ms\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
wrk -t2 -c16 -d"${seconds}s" --latency -s "$work/as4.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|requests|Non-2xx|Socket"
stored=$(sqlite3 "$work/platform.sqlite" "SELECT COUNT(*) FROM peppol_message" 2>/dev/null || echo "?")
echo "stored with their receipts: $stored (messages available: $messages)"
