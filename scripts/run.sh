#!/usr/bin/env bash
# Start the action server and the Rasa server (or the shell); Ctrl-C stops both.
# OCBOT_PROFILE=production uses deploy/endpoints.production.yml and
# deploy/credentials.production.yml (PostgreSQL, Redis; see docs/deployment.md).
set -euo pipefail
ACTION_PORT=${1:-5055}
RASA_PORT=${2:-5005}
MODE=${3:-server}
cd "$(dirname "$0")/.."
# Conversations, tickets and the session key under var/ are readable by their owner only.
umask 077
mkdir -p var
chmod 700 var
# Files made before this umask (older checkouts) are tightened too.
find var -maxdepth 1 -type f -exec chmod 600 {} +

PROFILE=${OCBOT_PROFILE:-local}
case "$PROFILE" in
  local)
    ENDPOINTS=endpoints.yml; CREDENTIALS=credentials.yml; CORS=${OCBOT_CORS_ORIGIN:-*} ;;
  production)
    ENDPOINTS=deploy/endpoints.production.yml; CREDENTIALS=deploy/credentials.production.yml
    CORS=${OCBOT_CORS_ORIGIN:?set OCBOT_CORS_ORIGIN to the mentor space origin}
    : "${OCBOT_SESSION_SECRET:?set OCBOT_SESSION_SECRET (shared by every Rasa server)}"
    if [ -z "${OCBOT_IDENTITY_SECRET:-}" ] && [ -z "${OCBOT_IDENTITY_PUBLIC_KEY:-}" ]; then
      echo "set OCBOT_IDENTITY_SECRET (or OCBOT_IDENTITY_PUBLIC_KEY): the mentor space signs who is asking"
      exit 2
    fi ;;
  *) echo "OCBOT_PROFILE must be local or production (got '$PROFILE')"; exit 2 ;;
esac

# The local demo signs a token for a demo mentor (scripts/serve_web.py) with a development
# secret kept under var/; OCBOT_IDENTITY_SECRET, when set, makes a valid token mandatory instead.
if [ "$PROFILE" = local ] && [ -z "${OCBOT_IDENTITY_SECRET:-}" ] && [ -z "${OCBOT_IDENTITY_PUBLIC_KEY:-}" ]; then
  [ -s var/identity-dev.key ] || .venv/bin/python -c "import secrets; print(secrets.token_hex(32))" > var/identity-dev.key
  OCBOT_IDENTITY_DEV_SECRET=$(cat var/identity-dev.key)
  export OCBOT_IDENTITY_DEV_SECRET
fi

# A typo in rules/ stops here, loudly, before any server starts.
.venv/bin/python -m actions.business
# Personal data past the retention (rules/general.yml) is deleted before serving anyone.
.venv/bin/python -m actions.privacy purge || echo "privacy purge failed; see above"

.venv/bin/python -m serving.action_server --port "$ACTION_PORT" >var/actions.log 2>&1 &
ACTIONS_PID=$!
WEB_PID=""
stop() {
  for pid in "$ACTIONS_PID" $WEB_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT INT TERM

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1 && break
  kill -0 "$ACTIONS_PID" 2>/dev/null || { echo "Action server failed, see var/actions.log"; exit 1; }
  sleep 1
done

if [ "$MODE" = shell ]; then
  # Loopback only: the shell's channel takes the terminal's own conversation id (channels/rest.py).
  .venv/bin/python -m serving.rasa_server shell --model models/ocbot.tar.gz --endpoints "$ENDPOINTS" \
    --interface 127.0.0.1
  exit
fi

# Slack joins the channels only when its secrets are in the environment (never in a file).
if [ -n "${SLACK_BOT_TOKEN:-}" ] && [ -n "${SLACK_SIGNING_SECRET:-}" ]; then
  cat "$CREDENTIALS" channels/credentials_slack.yml > var/credentials.yml
  CREDENTIALS=var/credentials.yml
  echo "  Slack:     http://127.0.0.1:$RASA_PORT/webhooks/slack/webhook"
fi

WEB_PORT=${WEB_PORT:-8080}
# In production the sample page must not hand out tokens signed with the real secret.
WEB_ENV=()
[ "$PROFILE" = production ] && WEB_ENV=(env -u OCBOT_IDENTITY_SECRET -u OCBOT_IDENTITY_DEV_SECRET)
"${WEB_ENV[@]}" .venv/bin/python scripts/serve_web.py "$WEB_PORT" >var/web.log 2>&1 &
WEB_PID=$!

echo "Assistant starting on http://127.0.0.1:$RASA_PORT (profile: $PROFILE)"
echo "  Web chat:  http://localhost:$WEB_PORT/  (sample Espace mentor page, signed in as a demo mentor)"
echo "  REST:      POST http://127.0.0.1:$RASA_PORT/webhooks/rest/session -> {\"sender\": \"<signed id>\"}"
echo "             POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook"
echo "             {\"sender\": \"<signed id>\", \"message\": \"Bonjour\", \"metadata\": {\"role\": \"mentor\"}}"
echo "             (anonymous; with Authorization: Bearer <token> the token says who is asking)"
echo "  socket.io: http://127.0.0.1:$RASA_PORT/socket.io"
echo "  Actions log: var/actions.log.  Ctrl-C stops both servers."
# No --enable-api: Rasa's HTTP API (conversations, model, ...) stays off.
.venv/bin/python -m serving.rasa_server run --model models/ocbot.tar.gz --endpoints "$ENDPOINTS" \
  --credentials "$CREDENTIALS" --interface "${RASA_INTERFACE:-127.0.0.1}" --port "$RASA_PORT" \
  --cors "$CORS"
