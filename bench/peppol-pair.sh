# Sourced by the Peppol bench scripts: a release build, two `efactuur serve` processes A and B,
# each with its own database and access point certificate (from `efactuur peppol pki`), a dnslib
# DNS server publishing B's customer (OIN 00000001003214321000) at B's SMP, and a SecurityToken
# ($token) of A's supplier (XCNL10001, KvK 12345678). $serverA and $serverB are their pids.
work=$(mktemp -d)
pids=()
trap 'kill ${pids[@]+"${pids[@]}"} 2>/dev/null || true; rm -rf "$work"' EXIT
# EFACTUUR=path runs another build (an earlier commit's, for figures side by side).
[ -n "${EFACTUUR:-}" ] || swift build -c release --product efactuur >/dev/null
efactuur=${EFACTUUR:-.build/release/efactuur}
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
        --peppol-key "$work/pki/$ap.key" --peppol-trust "$work/pki/trust.pem" --peppol-smp-trust "$work/pki/trust.pem" --peppol-dns "127.0.0.1:$portDNS" \
        --peppol-sml-zone sml.example >/dev/null 2>&1 & pids+=($!)
done
serverA=${pids[1]}; serverB=${pids[2]}
sleep 1.5

login="<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><Login xmlns=\"http://api.everbinding.nl/v3_1/\"><ConsumerKey>$(echo "$keys" | field appKey)</ConsumerKey><ConsumerSecret>$(echo "$keys" | field secret)</ConsumerSecret></Login></s:Body></s:Envelope>"
token=$(curl -s -X POST --data-binary "$login" "http://127.0.0.1:$portA/soap/v3.1" | sed -E 's/.*<SecurityToken>([^<]*)<.*/\1/')
