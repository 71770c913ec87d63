# Sourced by the bench scripts: a release build, a platform in a temporary folder with a supplier
# (XCNL10001, KvK 12345678) and a customer (XCNL10002, the OIN of the example invoices), each
# with connection keys ($supplierKeys, $customerKeys as JSON), and `field NAME` to read JSON.
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=

# EFACTUUR=path runs another build (an earlier commit's, for figures side by side).
[ -n "${EFACTUUR:-}" ] || swift build -c release --product efactuur >/dev/null
efactuur=${EFACTUUR:-.build/release/efactuur}
field() { python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }
supplier=$($efactuur platform account create --data-dir "$work" --name Lev --email a@lev.example --json | field account)
customer=$($efactuur platform account create --data-dir "$work" --name Min --email a@min.example --json | field account)
$efactuur platform org create --data-dir "$work" --account "$supplier" --name Lev --kvk 12345678 >/dev/null
$efactuur platform org create --data-dir "$work" --account "$customer" --name Min --oin 00000001003214321000 >/dev/null
supplierKeys=$($efactuur platform keys create --data-dir "$work" --org XCNL10001 --email a@lev.example --json)
customerKeys=$($efactuur platform keys create --data-dir "$work" --org XCNL10002 --email a@min.example --json)
