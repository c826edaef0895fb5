#!/usr/bin/env bash
# Status and cancel of the traffic-watch intent through EMCO's TAC REST API.
#   OPERATOR  the operator's REST address; DIG  the deployment intent group (default prod)
set -euo pipefail
OPERATOR=${OPERATOR:-http://127.0.0.1:9064}
DIG=${DIG:-prod}
TAC=$OPERATOR/v2/projects/proj1/composite-apps/shop/v1/deployment-intent-groups/$DIG/temporal-action-controller
call() { curl -sS --fail-with-body "$@"; echo; }

# Fire post-install: answers as soon as the workflow started (the intent does not block).
call -X POST "$OPERATOR/tac/v1/projects/proj1/composite-apps/shop/v1/deployment-intent-groups/$DIG/lifecycle-events" \
  -d '{"hookType":"post-install"}'

# Status: EMCO's JSON body on a GET works, and so does the query string.
call -X GET "$TAC/traffic-watch/status" -d '{"runDescribeWfExec":true,"queryType":"progress"}'
call "$TAC/traffic-watch/status?runDescribeWfExec=true"

# Cancel the recorded run (204); {"spec":{"terminate":true,"reason":"…"}} terminates instead.
curl -sS --fail-with-body -o /dev/null -w 'cancel: %{http_code}\n' -X POST "$TAC/traffic-watch/cancel" -d '{}'
