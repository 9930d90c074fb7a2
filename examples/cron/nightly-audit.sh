#!/bin/sh
# Nightly audit: scan, record the run, and post what changed to a chat webhook only when something
# new at or above "high" appeared. The tool itself never sends anything anywhere: notification is
# this script's job (see docs/scheduling.md).
#
# Environment (e.g. from /etc/sovereign-auditor/env):
#   AUDITOR_CONFIG     auditor.yaml (default /etc/sovereign-auditor/auditor.yaml); its "history:" key
#                      names the run store (default ./audit-history.db in the working directory)
#   AUDITOR_OUT        where each night's folder goes (default /var/lib/sovereign-auditor/runs)
#   CHAT_WEBHOOK_URL   an incoming-webhook URL (Mattermost, Rocket.Chat, Slack, Teams workflow…); optional
#   AUDITOR_FAIL_ON    the severity that alerts (default high)
#   plus the cloud credentials the scan uses (AWS_PROFILE, AZURE_CLIENT_ID/AZURE_TENANT_ID/…)
set -u

CONFIG=${AUDITOR_CONFIG:-/etc/sovereign-auditor/auditor.yaml}
NIGHT=${AUDITOR_OUT:-/var/lib/sovereign-auditor/runs}/$(date -u +%Y-%m-%dT%H%M)
FAIL_ON=${AUDITOR_FAIL_ON:-high}

auditor scan --config "$CONFIG" --out "$NIGHT" --format html,json,md,sarif --fail-on "$FAIL_ON" --quiet
scan=$?
if [ "$scan" -eq 2 ]; then
  echo "audit not run: configuration or input error (see the line above)" >&2
  exit 2
fi

# 0: nothing new at or above $FAIL_ON; 1: something new; 2: no previous run to compare with (first night).
auditor diff previous latest --config "$CONFIG" --fail-on "$FAIL_ON" --format md > "$NIGHT/changes.md" \
  2> "$NIGHT/changes.err"
changed=$?

if [ "$changed" -eq 1 ] && [ -n "${CHAT_WEBHOOK_URL:-}" ]; then
  # {"text": "<markdown>"} is what most chat incoming webhooks accept; the report stays on the server.
  python3 -c 'import json, sys; print(json.dumps({"text": sys.stdin.read()}))' < "$NIGHT/changes.md" |
    curl --fail --silent --show-error --max-time 30 -H 'Content-Type: application/json' \
      --data-binary @- "$CHAT_WEBHOOK_URL" >/dev/null || echo "could not post to the chat webhook" >&2
fi

# The scan's own code for the scheduler's log: 0 compliant, 1 findings, 3 incomplete.
exit "$scan"
