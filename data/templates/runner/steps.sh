#!/bin/sh
# The commands of one attempt, in order; the first failure stops the rest.
set -e
{{#steps}}
{{.}}
{{/steps}}
