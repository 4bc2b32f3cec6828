#!/bin/sh
# Slurm job array {{name}}: task i runs the job script on line i+1 of array.list.
job=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "{{list}}")
exec sh "$job"
