#!/bin/sh
# Nightly audit: scan, record the run, keep N days of outputs, and alert differently on the three outcomes
# that need a person (see docs/scheduling.md). The tool itself never sends anything anywhere: notification
# is this script's job.
#
#   exit 0  compliant                         -> no alert
#   exit 1  findings at or above FAIL_ON      -> "findings" alert, only when something NEW appeared since
#                                                the previous run (auditor diff), so an unchanged estate
#                                                does not alert every night
#   exit 3  incomplete (coverage gaps)        -> "incomplete" alert every time: part of the estate was not seen
#   exit 2, or anything else (a crash)        -> "failed" alert every time: the audit itself did not happen
#                                                (a crash exits 1 without a verdict line: reported as 70)
#
# Environment (e.g. from /etc/sovereign-auditor/env):
#   AUDITOR_CONFIG     auditor.yaml (default /etc/sovereign-auditor/auditor.yaml); its "history:" key names the
#                      run store (default ./audit-history.db in the working directory)
#   AUDITOR_OUT        where each night's folder goes (default /var/lib/sovereign-auditor/runs); created if missing
#   AUDITOR_KEEP_DAYS  nights of outputs to keep (default 30); older night folders are deleted
#   AUDITOR_FAIL_ON    the severity that counts as a finding (default high)
#   AUDITOR_HISTORY    a history other than the config's (a file or a postgresql:// URL); optional
#   AUDITOR_COMMAND    the audit command (default "scan"; "demo" runs the built-in estate, for a dry run)
#   CHAT_WEBHOOK_URL   an incoming-webhook URL (Mattermost, Rocket.Chat, Slack, Teams workflow…); optional
#   ALERT_MAIL         where alert mails go (needs a working `mail`); optional
#   plus the cloud credentials the scan uses (AWS_PROFILE, AZURE_CLIENT_ID/AZURE_TENANT_ID/…)
set -u

CONFIG=${AUDITOR_CONFIG:-/etc/sovereign-auditor/auditor.yaml}
BASE=${AUDITOR_OUT:-/var/lib/sovereign-auditor/runs}
KEEP_DAYS=${AUDITOR_KEEP_DAYS:-30}
FAIL_ON=${AUDITOR_FAIL_ON:-high}
COMMAND=${AUDITOR_COMMAND:-scan}
PYTHON=${PYTHON:-python3}
NIGHT="$BASE/night-$(date -u +%Y%m%dT%H%M%SZ)"

# notify LEVEL SUBJECT FILE: post FILE's text to the webhook and mail it; always leave a line in the log.
notify() {
  level=$1 subject=$2 body=$3
  echo "sovereign-auditor: $level: $subject"
  if [ -n "${CHAT_WEBHOOK_URL:-}" ]; then
    # {"text": "..."} is what most chat incoming webhooks accept; the report itself stays on this server.
    "$PYTHON" - "$level" "$subject" "$body" <<'EOF' || echo "sovereign-auditor: could not post to the chat webhook" >&2
import json, os, sys, urllib.request
level, subject, path = sys.argv[1:4]
try:
    text = open(path, encoding="utf-8", errors="replace").read()[:6000]  # the verdict comes first
except OSError:
    text = ""
payload = {"text": f"[{level}] {subject}\n\n{text}", "level": level}
request = urllib.request.Request(os.environ["CHAT_WEBHOOK_URL"], json.dumps(payload).encode("utf-8"),
                                 {"Content-Type": "application/json"})
urllib.request.urlopen(request, timeout=30).close()
EOF
  fi
  if [ -n "${ALERT_MAIL:-}" ] && command -v mail >/dev/null 2>&1; then
    mail -s "[sovereign-auditor] $level: $subject" "$ALERT_MAIL" < "$body" || echo "sovereign-auditor: could not mail" >&2
  fi
}

if ! mkdir -p "$NIGHT"; then
  echo "cannot create $NIGHT" > "${TMPDIR:-/tmp}/sovereign-auditor-failed.txt"
  notify failed "cannot create the output folder $NIGHT" "${TMPDIR:-/tmp}/sovereign-auditor-failed.txt"
  exit 2
fi

if [ -n "${AUDITOR_HISTORY:-}" ]; then
  set -- --history "$AUDITOR_HISTORY"
  DIFF_DB="--db $AUDITOR_HISTORY"
else
  set --
  DIFF_DB=""
fi

auditor "$COMMAND" --config "$CONFIG" --out "$NIGHT" --format html,json,md,sarif --fail-on "$FAIL_ON" "$@" \
  > "$NIGHT/console.log" 2> "$NIGHT/errors.log"
rc=$?
cat "$NIGHT/console.log"
# A Python crash also exits 1: without its verdict line, a 1 is not "findings" but a failed audit.
if [ "$rc" -eq 1 ] && ! grep -q "^Verdict: " "$NIGHT/console.log"; then
  rc=70
fi

case "$rc" in
  0) ;;
  1)
    # 0: nothing new at or above FAIL_ON; 1: something new; 2: no previous run (first night): alert then too.
    # shellcheck disable=SC2086 # DIFF_DB is empty or two words
    auditor diff previous latest --config "$CONFIG" $DIFF_DB --fail-on "$FAIL_ON" --format md \
      > "$NIGHT/changes.md" 2> "$NIGHT/changes.err"
    changed=$?
    if [ "$changed" -ne 0 ]; then
      [ "$changed" -eq 1 ] || cp "$NIGHT/summary.md" "$NIGHT/changes.md" 2>/dev/null
      notify findings "new findings at or above $FAIL_ON (report: $NIGHT/report.html)" "$NIGHT/changes.md"
    fi
    # Findings win the exit code (1) when the run is also incomplete: the gaps still deserve their own alert.
    if grep -q "assessment incomplete" "$NIGHT/console.log" && ! grep -q "allowed by --allow-unknown" "$NIGHT/console.log"
    then
      notify incomplete "part of the estate could not be read (report: $NIGHT/report.html)" "$NIGHT/summary.md"
    fi
    ;;
  3)
    notify incomplete "part of the estate could not be read (report: $NIGHT/report.html)" "$NIGHT/summary.md"
    ;;
  *)
    { echo "exit code $rc"; tail -n 40 "$NIGHT/errors.log"; } > "$NIGHT/failure.txt"
    notify failed "the audit did not run to the end (exit $rc)" "$NIGHT/failure.txt"
    ;;
esac

# Keep KEEP_DAYS days of outputs: night folders older than that go (never anything else in BASE).
find "$BASE" -mindepth 1 -maxdepth 1 -type d -name 'night-*' -mtime "+$KEEP_DAYS" -exec rm -rf {} + 2>/dev/null

# The scan's own code for the scheduler: 0 compliant, 1 findings, 3 incomplete, 2 (or other, 70: a crash) failed.
exit "$rc"
