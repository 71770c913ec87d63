#!/usr/bin/env bash
# Two builds, the same verdicts: `efactuur validate --json` of OLD and NEW over seeded mutations of
# the corpus (bench/mutations.py), under every rule set, must be byte for byte the same. For changes
# meant to make validation faster, not different; build OLD from the commit before (a worktree).
#   bench/compare-verdicts.sh OLD_BINARY NEW_BINARY [COUNT]      (pip install lxml)
set -euo pipefail
old=$(realpath "$1") new=$(realpath "$2") count=${3:-3000}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/mutations.py "$work/documents" "$count" >/dev/null
documents=$(find "$work/documents" -name '*.xml' | wc -l)
# Each build must have run to the end: exit 0 (all valid) or 1 (some invalid), one line a document.
run() {
    local status=0
    "$1" validate --json --ruleset "$2" "$work/documents" > "$3" || status=$?
    if [ "$status" -gt 1 ] || [ "$(wc -l < "$3")" -ne "$documents" ]; then
        echo "$1 --ruleset $2: exit $status, $(wc -l < "$3") lines for $documents documents" >&2
        exit 2
    fi
}
status=0
for ruleset in auto si-ubl si-ubl-gaccount peppol en16931; do
    run "$old" "$ruleset" "$work/old.jsonl"
    run "$new" "$ruleset" "$work/new.jsonl"
    if cmp -s "$work/old.jsonl" "$work/new.jsonl"; then
        echo "$ruleset: $documents documents, the same verdicts and findings ($(grep -c '"valid":false' "$work/new.jsonl") invalid)"
    else
        echo "$ruleset: DIFFERENT — first differing lines:"
        { diff "$work/old.jsonl" "$work/new.jsonl" || true; } | head -6 | cut -c1-300
        status=1
    fi
done
exit $status
