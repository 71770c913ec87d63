#!/usr/bin/env bash
# Two builds, the same verdicts: `efactuur validate --json` of OLD and NEW over seeded mutations of
# the corpus (bench/mutations.py), under every rule set, must be byte for byte the same. For changes
# meant to make validation faster, not different; build OLD from the commit before (a worktree).
#   bench/compare-verdicts.sh OLD_BINARY NEW_BINARY [COUNT]      (pip install lxml)
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 count=${3:-3000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/mutations.py "$work/documents" "$count" >/dev/null
status=0
for ruleset in auto si-ubl si-ubl-gaccount peppol en16931; do
    "$old" validate --json --ruleset "$ruleset" "$work/documents" > "$work/old.jsonl" || true
    "$new" validate --json --ruleset "$ruleset" "$work/documents" > "$work/new.jsonl" || true
    if cmp -s "$work/old.jsonl" "$work/new.jsonl"; then
        echo "$ruleset: $count documents, the same verdicts and findings ($(grep -c '"valid":false' "$work/new.jsonl") invalid)"
    else
        echo "$ruleset: DIFFERENT — first differing lines:"
        { diff "$work/old.jsonl" "$work/new.jsonl" || true; } | head -6 | cut -c1-300
        status=1
    fi
done
exit $status
