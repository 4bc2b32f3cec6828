#!/usr/bin/env bash
# slurm-up.sh DIR — start a private single-node Slurm cluster (munged + slurmctld + slurmd)
# whose every file lives under DIR. On success prints KEY=VALUE lines on stdout.
set -euo pipefail
D=${1:?usage: slurm-up.sh DIR}
mkdir -p "$D"; D=$(cd "$D" && pwd)
chmod 755 "$D"                 # munged refuses a socket whose parent dirs are not o+x (mktemp -d gives 0700)
mkdir -p "$D"/{etc,munge,state,spool,log,run,jobs}

# --- munge: private key, private socket --------------------------------------
mungekey --create --keyfile="$D/munge/munge.key"          # 0600, owned by root
munged --socket="$D/munge/munge.socket" \
       --key-file="$D/munge/munge.key" \
       --pid-file="$D/munge/munged.pid" \
       --log-file="$D/munge/munged.log" \
       --seed-file="$D/munge/munged.seed" \
       --origin=127.0.0.1                                 # no hostname lookup
# munged forks and returns once its socket is ready.

# --- two free TCP ports, so several clusters (or a stale one) never collide ----
read -r CTLD_PORT SLURMD_PORT < <(python3 -c '
import socket; s=[socket.socket() for _ in range(2)]
[x.bind(("", 0)) for x in s]; print(*[x.getsockname()[1] for x in s])')

# --- slurm.conf -------------------------------------------------------------------
NODE=$(hostname -s)                                           # slurmd finds its NodeName this way
HW=$(slurmd -C | head -n1 | sed 's/^NodeName=[^ ]* //')      # CPUs=2 Boards=1 ... RealMemory=...
cat > "$D/etc/slurm.conf" <<CONF
ClusterName=fixture
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=3600
KillWait=5
InactiveLimit=0
NodeName=$NODE NodeAddr=127.0.0.1 $HW State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/etc/slurm.conf"

slurmctld -f "$SLURM_CONF"          # both daemonize; PIDs go to $D/run/*.pid
slurmd -f "$SLURM_CONF"

# --- readiness: controller answers and the node has registered as idle -------------
for _ in $(seq 300); do
  if scontrol ping 2>/dev/null | grep -q 'is UP' &&
     [ "$(sinfo -h -n "$NODE" -o %T 2>/dev/null)" = idle ]; then
    echo "SLURM_CONF=$SLURM_CONF"
    echo "SLURM_FIXTURE_NODE=$NODE"
    echo "SLURMCTLD_PID=$(cat "$D/run/slurmctld.pid")"
    echo "SLURMD_PID=$(cat "$D/run/slurmd.pid")"
    echo "MUNGED_PID=$(cat "$D/munge/munged.pid")"
    exit 0
  fi
  sleep 0.1
done
echo "slurm did not become ready within 30 s" >&2
tail -n 20 "$D/log/slurmctld.log" "$D/log/slurmd.log" "$D/munge/munged.log" >&2 || true
exit 1
