#!/usr/bin/env bash
# The hello world through EMCO's TAC REST API, as emcoctl or an orchestrator would call it.
#   OPERATOR     the operator's REST address (kubectl port-forward svc/tac-operator 9064, or npm run demo)
#   DIG          the deployment intent group (default dig1)
#   CLIENT_HOST, CLIENT_PORT   where the operator reaches the workflow client (default tac-workflow-client:9090)
set -euo pipefail
OPERATOR=${OPERATOR:-http://127.0.0.1:9064}
DIG=${DIG:-dig1}
here=$(dirname "$0")
TAC=$OPERATOR/v2/projects/proj1/composite-apps/hello/v1/deployment-intent-groups/$DIG/temporal-action-controller
EVENTS=$OPERATOR/tac/v1/projects/proj1/composite-apps/hello/v1/deployment-intent-groups/$DIG/lifecycle-events
body() { sed -e "s/\"tac-workflow-client\"/\"${CLIENT_HOST:-tac-workflow-client}\"/" -e "s/: 9090 }/: ${CLIENT_PORT:-9090} }/" "$here/$1"; }
call() { curl -sS --fail-with-body "$@"; echo; }

body pre-install.json | call -X POST "$TAC" --data-binary @-     # 201 + EMCO's canonical echo
body post-install.json | call -X POST "$TAC" --data-binary @-    # 201
call "$TAC"                                                      # both intents

# Fire the hooks as the orchestrator does around an instantiate; 200 once the blocking intents are done.
call -X POST "$EVENTS" -d '{"hookType":"pre-install","appContextId":"1234567890999"}'
call -X POST "$EVENTS" -d '{"hookType":"post-install","appContextId":"1234567890999"}'

# Status from the recorded run (no ids needed), with Temporal's description and a bounded wait.
call "$TAC/hello-pre-install/status?runDescribeWfExec=true&waitForResult=true&waitForResultTimeout=30s"
