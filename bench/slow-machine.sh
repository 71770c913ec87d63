#!/usr/bin/env bash
# Runs a benchmark as if on a slower 2-core machine, or in a VM's slow hour: two busy loops, one
# per core, compete with it for the CPU, and the kernel's group scheduler gives the benchmark
# SHARE percent of each core (cpu.shares), the rest to the loops. Unlike a CPU quota (cpu.cfs_quota_us,
# which stops every thread of the benchmark at once when it is used up), this takes CPU time away
# the way a neighbour on the host does: in time slices, on every core, all the time.
#   sudo bench/slow-machine.sh bench/peppol-send.sh 12
#   SHARE=62 sudo bench/slow-machine.sh ...   the default, a machine 1.6x slower: `openssl speed -multi 2
#                                             rsa2048` signs 0.62x as fast under it
# Needs root and cgroup v1's cpu controller (/sys/fs/cgroup/cpu), as on the team's VMs.
set -euo pipefail
share=${SHARE:-62}
root=/sys/fs/cgroup/cpu
[ -w "$root" ] || { echo "slow-machine: needs root and the cgroup v1 cpu controller at $root" >&2; exit 2; }
[ "$#" -gt 0 ] || { echo "usage: bench/slow-machine.sh COMMAND [ARGUMENTS...]" >&2; exit 2; }
group=$root/efactuur-bench.$$
mkdir -p "$group/bench" "$group/loops"
echo 1000 > "$group/bench/cpu.shares"
echo $((1000 * (100 - share) / share)) > "$group/loops/cpu.shares"
loops=()
cleanup() {
    kill "${loops[@]}" 2>/dev/null || true
    wait "${loops[@]}" 2>/dev/null || true
    # A process that has ended but is not yet reaped still counts as in its group: try for a while.
    for _ in $(seq 50); do
        for cgroup in "$group/bench" "$group/loops"; do
            [ -d "$cgroup" ] || continue
            while read -r task; do echo "$task" > "$root/tasks"; done < "$cgroup/tasks" 2>/dev/null || true
            rmdir "$cgroup" 2>/dev/null || true
        done
        rmdir "$group" 2>/dev/null && return
        sleep 0.1
    done
    echo "slow-machine: could not remove $group" >&2
}
trap cleanup EXIT
for _ in 1 2; do
    (echo "$BASHPID" > "$group/loops/tasks"; exec sh -c 'while :; do :; done') & loops+=($!)
done
echo "slow-machine: the benchmark gets ${share}% of each core; openssl speed -multi 2 rsa2048 under it:" \
    "$(sh -c "echo \$\$ > $group/bench/tasks; exec openssl speed -seconds 2 -multi 2 rsa2048 2>/dev/null" | awk '/^rsa 2048/ {print $6 " signatures/s"}')" >&2
(echo "$BASHPID" > "$group/bench/tasks"; exec "$@")
