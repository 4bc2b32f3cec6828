#!/bin/sh
# Phasebook job {{name}}: runs the steps under a time limit and records the exit status
# (124 = time limit, 143 = cancelled) in exit_code, written last and atomically.
cd "{{dir}}" || exit 1
echo $$ > pid
export OMP_NUM_THREADS=1
date +%s > started
timeout -s TERM {{walltime_s}} sh ./steps.sh > job.log 2>&1 &
echo $! > timeout.pid
wait $!
echo $? > exit_code.tmp && mv exit_code.tmp exit_code
