#!/bin/sh
# Entrypoint of both images (deploy/Dockerfile), the start-up of scripts/run.sh:
#   entrypoint.sh rasa [extra Rasa arguments]   the Rasa server (docker-compose.yml adds --cors)
#   entrypoint.sh actions [extra arguments]     the action server
#   entrypoint.sh <any command>                 that command alone (e.g. a cron's purge or erase)
# Before serving, personal data past the retention (rules/general.yml) is deleted by
# `python -m actions.privacy purge` (TICKETS_DB_URL and TRACKER_DB_URL say where). The purge is
# idempotent, so every replica may run it; if it fails (database not reachable yet...) the
# reason is logged and the server starts anyway: the daily cron purge catches up.
set -u

purge() {
  python -m actions.privacy purge || echo "entrypoint: privacy purge failed (see above); serving anyway" >&2
}

case "${1:-}" in
  rasa)
    shift
    purge
    # Slack joins the channels only when its secrets are set, as with scripts/run.sh (the
    # secrets stay in the environment; the file only names the channel).
    credentials=deploy/credentials.production.yml
    if [ -n "${SLACK_BOT_TOKEN:-}" ] && [ -n "${SLACK_SIGNING_SECRET:-}" ]; then
      credentials=deploy/credentials.production-slack.yml
    fi
    # No --enable-api: Rasa's HTTP API (/conversations, /model, /status...) stays off.
    exec python -m serving.rasa_server run --model models/ocbot.tar.gz \
      --endpoints deploy/endpoints.production.yml --credentials "$credentials" \
      --interface 0.0.0.0 --port 5005 "$@" ;;
  actions)
    shift
    purge
    exec python -m serving.action_server --host 0.0.0.0 --port 5055 "$@" ;;
  *)
    exec "$@" ;;
esac
