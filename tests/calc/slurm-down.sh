#!/usr/bin/env bash
# Stop the cluster started by slurm-up.sh DIR: cancel jobs, then SIGTERM the three daemons by PID.
set -uo pipefail
D=${1:?usage: slurm-down.sh DIR}
export SLURM_CONF="$D/etc/slurm.conf"
pids=()
for f in "$D/run/slurmd.pid" "$D/run/slurmctld.pid" "$D/munge/munged.pid"; do
  [ -f "$f" ] && pids+=("$(cat "$f")")
done

# 1. cancel every job and wait until the queue is empty: a running job's slurmstepd
#    is reparented to init and would survive slurmd otherwise.
if [ -f "$D/run/slurmctld.pid" ] && kill -0 "$(cat "$D/run/slurmctld.pid")" 2>/dev/null; then
  squeue -h -o %A 2>/dev/null | sort -u | xargs -r scancel
  for _ in $(seq 300); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
fi

# 2. SIGTERM slurmd, slurmctld and munged together, wait up to 15 s, then SIGKILL leftovers.
[ ${#pids[@]} -gt 0 ] || exit 0
kill -TERM "${pids[@]}" 2>/dev/null
for _ in $(seq 150); do
  alive=0
  for p in "${pids[@]}"; do   # a zombie (state Z) counts as gone
    st=$(ps -o stat= -p "$p" 2>/dev/null) && [ "${st#Z}" = "$st" ] && alive=1
  done
  [ $alive = 0 ] && exit 0
  sleep 0.1
done
echo "daemons ignored SIGTERM for 15 s; sending SIGKILL to ${pids[*]}" >&2
kill -KILL "${pids[@]}" 2>/dev/null
exit 1
