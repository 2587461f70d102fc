#!/bin/sh
# The charge_card activity of examples/order.erl, as a program:
#   aion worker --task-queue payments --exec examples/charge_card.sh
# Input JSON on stdin ({"order_id": ..., "amount": ...}); AION_ACTIVITY, AION_ATTEMPT and
# AION_WORKFLOW_ID in the environment; the result JSON on stdout. A non-zero exit fails the
# attempt (the workflow's retry policy decides what happens next); exit 64 would fail it for
# good.
input=$(cat)
if [ "${AION_ATTEMPT:-1}" = 1 ]; then
  echo "the card network timed out (attempt 1): try again" >&2
  exit 75
fi
order=$(printf '%s' "$input" | sed -n 's/.*"order_id" *: *"\([^"]*\)".*/\1/p')
amount=$(printf '%s' "$input" | sed -n 's/.*"amount" *: *\([0-9][0-9]*\).*/\1/p')
printf '{"charge_id":"ch-%s","amount":%s,"attempt":%s}\n' "$order" "${amount:-0}" "$AION_ATTEMPT"
