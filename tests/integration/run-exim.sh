#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Integration test: smtp-probe and smtp-parse against a real Exim on loopback.
#
#   tests/integration/run-exim.sh BUILDDIR
#
# Run as root (CI): installs exim4-daemon-light when missing (without letting
# the package start its own daemon), writes /etc/exim4/exim4.conf (the
# previous one is put back afterwards), starts `exim4 -bd` on 127.0.0.1 on two
# free high ports and always stops it by the PID in its PID file. Nothing is
# delivered anywhere: queue_only, no queue runner, no remote router.
#
# Port A offers AUTH PLAIN and LOGIN, port B only LOGIN (so the probe's LOGIN
# path runs too). An unknown local user gets Exim's own default answer,
# "550 Unrouteable address", which the classifier must read as recipient-unknown.
# With the openssl command available, STARTTLS is offered with a throwaway
# certificate.
#
# Prints one line per check and ends with "N passed, N failed"; exits non-zero
# when a check failed, 2 on a usage error, 77 (skipped) when it cannot run here:
# not root and no password-less sudo.
set -u

BUILD=${1:-}
if [ -z "$BUILD" ] || [ ! -d "$BUILD" ]; then
    echo "usage: $0 BUILDDIR" >&2
    exit 2
fi
BUILD=$(cd "$BUILD" && pwd)
PROBE=$BUILD/examples/smtp-probe
PARSE=$BUILD/examples/smtp-parse
for tool in "$PROBE" "$PARSE"; do
    if [ ! -x "$tool" ]; then
        echo "run-exim.sh: $tool is not built" >&2
        exit 2
    fi
done
if [ "$(id -u)" != 0 ]; then
    # It installs packages, writes /etc/exim4 and starts a daemon: root only.
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        exec sudo -n bash "$0" "$BUILD"
    fi
    echo "run-exim.sh: SKIP: needs root or password-less sudo (it installs and starts Exim)" >&2
    exit 77
fi

USER_NAME=probe
USER_PASS='Corr3ct-h0rse'
WRONG_PASS='Wr0ng-pa55word'
SIZE_LIMIT=20480
RCPT_MAX=3

PASSED=0
FAILED=0
SKIPPED=0
check() {
    local name=$1
    shift
    if "$@"; then
        echo "PASS  $name"
        PASSED=$((PASSED + 1))
    else
        echo "FAIL  $name"
        FAILED=$((FAILED + 1))
    fi
}

# --- install ---------------------------------------------------------------
NEED=()
command -v exim4 >/dev/null 2>&1 || NEED+=(exim4-daemon-light)
command -v openssl >/dev/null 2>&1 || NEED+=(openssl)   # the STARTTLS certificate
if [ ${#NEED[@]} -gt 0 ]; then
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # Keep the package from starting Debian's own Exim on port 25.
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    install_packages() {
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
            --no-install-recommends "${NEED[@]}" >/dev/null
    }
    echo "installing ${NEED[*]}"
    if ! install_packages; then
        apt-get -o DPkg::Lock::Timeout=600 update >/dev/null && install_packages
    fi
    rc=$?
    [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ "$rc" != 0 ] || ! command -v exim4 >/dev/null 2>&1; then
        echo "run-exim.sh: could not install ${NEED[*]}" >&2
        exit 2
    fi
fi

# --- configure ------------------------------------------------------------
WORK=$(mktemp -d /tmp/smtpreply-exim.XXXXXX)
chmod 711 "$WORK"          # Exim runs as Debian-exim and needs to reach its spool
PIDFILE=$WORK/exim.pid
CONF=/etc/exim4/exim4.conf
SAVED_CONF=
if [ -e "$CONF" ]; then
    SAVED_CONF=$WORK/exim4.conf.saved
    cp -p "$CONF" "$SAVED_CONF"
fi

cleanup() {
    local pid
    if [ -s "$PIDFILE" ]; then
        pid=$(cat "$PIDFILE")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null
            for _ in $(seq 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        fi
    fi
    if [ -n "$SAVED_CONF" ]; then
        cp -p "$SAVED_CONF" "$CONF"
    else
        rm -f "$CONF"
    fi
    if [ -n "${KEEP_WORK:-}" ]; then
        echo "kept $WORK (KEEP_WORK is set)"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT_A=$(free_port)
PORT_B=$(free_port)
while [ "$PORT_B" = "$PORT_A" ]; do PORT_B=$(free_port); done

install -d -o Debian-exim -g Debian-exim -m 750 "$WORK/spool" "$WORK/log"
install -d -o Debian-exim -g Debian-exim /run/exim4

TLS_LINES="tls_advertise_hosts ="
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mx.example.test \
        -addext "subjectAltName=DNS:mx.example.test,IP:127.0.0.1" \
        -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1; then
    chown Debian-exim "$WORK/key.pem" "$WORK/cert.pem"
    TLS_LINES="tls_advertise_hosts = *
tls_certificate = $WORK/cert.pem
tls_privatekey = $WORK/key.pem"
fi

cat >"$CONF" <<EOF
# Written by smtpreply's tests/integration/run-exim.sh; removed when it ends.
primary_hostname = mx.example.test
qualify_domain = example.test
domainlist local_domains = example.test
domainlist relay_to_domains =
hostlist relay_from_hosts =
local_interfaces = <; 127.0.0.1
daemon_smtp_ports = $PORT_A : $PORT_B
spool_directory = $WORK/spool
log_file_path = $WORK/log/%slog
host_lookup =
rfc1413_hosts =
keep_environment =
queue_only = true
message_size_limit = $SIZE_LIMIT
recipients_max = $RCPT_MAX
smtp_receive_timeout = 30s
auth_advertise_hosts = *
$TLS_LINES
acl_smtp_rcpt = acl_check_rcpt

begin acl

acl_check_rcpt:
  require message = relay not permitted
          domains = +local_domains
  deny    !verify = recipient
  accept

begin routers

local_user:
  driver = accept
  domains = +local_domains
  local_parts = $USER_NAME
  transport = discard

begin transports

discard:
  driver = appendfile
  file = /dev/null
  user = Debian-exim

begin authenticators

plain:
  driver = plaintext
  public_name = PLAIN
  server_advertise_condition = \${if eq{\$received_port}{$PORT_A}}
  server_prompts = :
  server_condition = \${if and{{eq{\$auth2}{$USER_NAME}}{eq{\$auth3}{$USER_PASS}}}}
  server_set_id = \$auth2

login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = \${if and{{eq{\$auth1}{$USER_NAME}}{eq{\$auth2}{$USER_PASS}}}}
  server_set_id = \$auth1
EOF

if ! exim4 -bV >"$WORK/bV.out" 2>&1; then
    echo "run-exim.sh: Exim rejects the configuration:" >&2
    cat "$WORK/bV.out" >&2
    exit 2
fi

# --- start ----------------------------------------------------------------
exim4 -bd -oP "$PIDFILE"
listening=0
for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT_A") 2>/dev/null &&
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT_B") 2>/dev/null; then
        listening=1
        break
    fi
    sleep 0.1
done
if [ "$listening" != 1 ] || [ ! -s "$PIDFILE" ]; then
    echo "run-exim.sh: Exim did not start listening" >&2
    cat "$WORK/log/paniclog" "$WORK/log/mainlog" 2>/dev/null >&2
    exit 2
fi
echo "Exim $(exim4 -bV | sed -n 's/^Exim version \([^ ]*\).*/\1/p') on 127.0.0.1 ports $PORT_A and $PORT_B (pid $(cat "$PIDFILE"))"

# --- helpers --------------------------------------------------------------
# probe NAME ARGS...: run smtp-probe, keep stdout, stderr and the exit status.
probe() {
    local name=$1
    shift
    "$PROBE" --timeout 15 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    echo $? >"$WORK/$name.rc"
}

status_is() { [ "$(cat "$WORK/$1.rc")" = "$2" ]; }

# jcheck NAME EXPR: evaluate a Python expression over the JSON lines of NAME.out.
# In EXPR: objs (the reply and error objects), end (the closing object: how the
# session ended), r(prefix) (the first reply whose command starts with prefix),
# rs(prefix) (all of them).
jcheck() {
    python3 - "$WORK/$1.out" "$2" <<'PY'
import json, sys
def rs(prefix):
    return [o for o in objs if o.get("command", "").upper().startswith(prefix.upper())]
def r(prefix):
    found = rs(prefix)
    return found[0] if found else {}
try:
    lines = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    end = lines[-1] if lines and "end" in lines[-1] else {}
    objs = [o for o in lines if "end" not in o]
    ok = eval(sys.argv[2])
except Exception as e:  # a missing reply or field is a failed check, not a crash
    objs = objs if "objs" in globals() else []
    ok = False
    print("      %s: %s" % (type(e).__name__, e), file=sys.stderr)
if not ok:
    for o in objs:
        print("      " + json.dumps(o)[:240], file=sys.stderr)
    try:
        err = open(sys.argv[1][:-4] + ".err", encoding="utf-8", errors="replace").read()
    except OSError:
        err = ""
    if err:
        print("      stderr: " + err.strip().replace("\n", "\n      stderr: "), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

no_secret() {
    local name=$1 secret=$2 b64
    b64=$(printf '\0%s\0%s' "$USER_NAME" "$secret" | base64 -w0)
    ! grep -qF -e "$secret" -e "$b64" -e "$(printf '%s' "$secret" | base64 -w0)" \
        "$WORK/$name.out" "$WORK/$name.err"
}

A=(127.0.0.1 "$PORT_A")
B=(127.0.0.1 "$PORT_B")

# --- 1: greeting, EHLO, wrong password ------------------------------------
probe wrong --json --no-starttls --allow-plaintext-auth --auth "$USER_NAME:$WRONG_PASS" "${A[@]}"
check "json: every line parses" jcheck wrong 'len(objs) >= 4'
check "greeting: 220 from Exim" jcheck wrong 'r("CONNECT")["code"] == 220 and "ESMTP Exim" in r("CONNECT")["lines"][0]'
check "EHLO: multiline 250" jcheck wrong 'r("EHLO")["code"] == 250 and len(r("EHLO")["lines"]) > 3'
check "EHLO: server name" jcheck wrong 'r("EHLO")["capabilities"]["server"] == "mx.example.test"'
check "EHLO: PIPELINING, SIZE, AUTH offered" jcheck wrong \
    'set(["PIPELINING", "SIZE", "AUTH"]) <= set(r("EHLO")["capabilities"]["extensions"])'
check "EHLO: SIZE is message_size_limit" jcheck wrong "r('EHLO')['capabilities']['size'] == $SIZE_LIMIT"
check "EHLO: AUTH PLAIN and LOGIN" jcheck wrong 'set(["PLAIN", "LOGIN"]) <= set(r("EHLO")["capabilities"]["auth"])'
check "AUTH wrong password: 535" jcheck wrong 'r("AUTH")["code"] == 535'
check "AUTH wrong password: client-auth-failed" jcheck wrong 'r("AUTH")["reason"] == "client-auth-failed"'
check "AUTH shown as AUTH PLAIN ****" jcheck wrong 'r("AUTH")["command"] == "AUTH PLAIN ****"'
check "AUTH secret never printed" no_secret wrong "$WRONG_PASS"
check "QUIT: 221" jcheck wrong 'r("QUIT")["code"] == 221'
check "refused AUTH: exit status 1" status_is wrong 1
check "refused AUTH: the closing object says auth-failed" jcheck wrong \
    'end["end"] == "auth-failed" and end["exit"] == 1'

# --- 2: right password (PLAIN), and LOGIN on the port that offers only LOGIN -
probe right --json --no-starttls --allow-plaintext-auth --auth "$USER_NAME:$USER_PASS" "${A[@]}"
check "AUTH PLAIN right password: 235" jcheck right 'r("AUTH")["code"] == 235 and r("AUTH")["reason"] == "none"'
check "AUTH PLAIN secret never printed" no_secret right "$USER_PASS"
check "completed session: exit status 0" status_is right 0

probe login --json --no-starttls --allow-plaintext-auth --auth "$USER_NAME:$USER_PASS" "${B[@]}"
check "LOGIN-only port: EHLO offers only LOGIN" jcheck login 'r("EHLO")["capabilities"]["auth"] == ["LOGIN"]'
check "AUTH LOGIN: 334, 334, 235" jcheck login \
    '[o["code"] for o in objs if o["command"].startswith(("AUTH", "****"))] == [334, 334, 235]'
check "AUTH LOGIN: prompts decoded by nobody, secrets hidden" no_secret login "$USER_PASS"
check "AUTH LOGIN: user name hidden too" jcheck login \
    'not any("cHJvYmU" in o["command"] for o in objs)'

probe loginbad --json --no-starttls --allow-plaintext-auth --auth "$USER_NAME:$WRONG_PASS" "${B[@]}"
check "AUTH LOGIN wrong password: 535 client-auth-failed" jcheck loginbad \
    'rs("****")[-1]["code"] == 535 and rs("****")[-1]["reason"] == "client-auth-failed"'

# --- 3: unknown user, relay denied, pipelined, raw bytes recorded -----------
probe rcpt --json --no-starttls --record "$WORK/rcpt.raw" --from sender@example.org \
    --to nobody@example.test --to someone@elsewhere.example --to "$USER_NAME@example.test" "${A[@]}"
check "MAIL: 250" jcheck rcpt 'r("MAIL")["code"] == 250'
check "unknown user: 550" jcheck rcpt 'r("RCPT TO:<nobody@")["code"] == 550'
check "unknown user: recipient-unknown" jcheck rcpt 'r("RCPT TO:<nobody@")["reason"] == "recipient-unknown"'
check "relay: 550 relay not permitted" jcheck rcpt \
    'r("RCPT TO:<someone@")["code"] == 550 and "relay not permitted" in r("RCPT TO:<someone@")["lines"][0]'
check "relay: relay-denied" jcheck rcpt 'r("RCPT TO:<someone@")["reason"] == "relay-denied"'
check "known user: 250" jcheck rcpt "r('RCPT TO:<$USER_NAME@')['code'] == 250"
check "RSET: 250" jcheck rcpt 'r("RSET")["code"] == 250'
check "replies in stream order" jcheck rcpt \
    'all(a["offset"] < b["offset"] for a, b in zip(objs, objs[1:]))'
check "refused RCPT: exit status 1" status_is rcpt 1

# --- 3b: stop after the recipients, the target as HOST:PORT ---------------
probe quitrcpt --json --no-starttls --quit-after rcpt --from sender@example.org \
    --to "$USER_NAME@example.test" "127.0.0.1:$PORT_A"
check "--quit-after rcpt, HOST:PORT: RCPT accepted, QUIT, no RSET" jcheck quitrcpt \
    'r("RCPT")["code"] == 250 and objs[-1]["command"] == "QUIT" and not rs("RSET")'
check "--quit-after rcpt: completed, exit 0" jcheck quitrcpt \
    'end["end"] == "completed" and end["quit_after"] == "rcpt" and all("ms" in o for o in objs)'

probe rcpt-human --no-starttls --from sender@example.org --to nobody@example.test \
    --to "$USER_NAME@example.test" "${A[@]}"
check "readable view: pipelining used" grep -q "pipelining: MAIL and 2 RCPT in one write" "$WORK/rcpt-human.out"
check "readable view: reason and fix shown" \
    grep -q "reason  *recipient-unknown" "$WORK/rcpt-human.out"
check "readable view: no colours when not a terminal" bash -c "! grep -q $'\e' '$WORK/rcpt-human.out'"

probe wrong-human --no-starttls --allow-plaintext-auth --auth "$USER_NAME:$WRONG_PASS" "${A[@]}"
check "readable view: 535 with its explanation" \
    bash -c "grep -q '^S: 535' '$WORK/wrong-human.out' && grep -q 'client-auth-failed' '$WORK/wrong-human.out' && grep -q '^ *fix ' '$WORK/wrong-human.out'"

# --- 4: message too large, too many recipients, a message accepted ---------
probe bigmail --json --no-starttls --from sender@example.org --to "$USER_NAME@example.test" \
    --size $((SIZE_LIMIT * 10)) "${A[@]}"
check "MAIL SIZE= over the limit: 552" jcheck bigmail 'r("MAIL")["code"] == 552'
check "MAIL SIZE= over the limit: message-too-large" jcheck bigmail 'r("MAIL")["reason"] == "message-too-large"'

probe bigdata --json --no-starttls --from sender@example.org --to "$USER_NAME@example.test" \
    --data-size $((SIZE_LIMIT * 3)) "${A[@]}"
check "DATA: 354" jcheck bigdata 'r("DATA")["code"] == 354'
check "oversized message: 552 after the data" jcheck bigdata 'r("DATA_END")["code"] == 552'
check "oversized message: message-too-large" jcheck bigdata 'r("DATA_END")["reason"] == "message-too-large"'

probe data --json --no-starttls --from sender@example.org --to "$USER_NAME@example.test" --data "${A[@]}"
check "small message accepted: 250 after the data" jcheck data 'r("DATA_END")["code"] == 250'
check "accepted message: exit status 0" status_is data 0

probe many --json --no-starttls --from sender@example.org \
    --to "$USER_NAME@example.test" --to "$USER_NAME@example.test" --to "$USER_NAME@example.test" \
    --to "$USER_NAME@example.test" "${A[@]}"
check "recipients_max exceeded: 452 on the last RCPT" jcheck many \
    '[o["code"] for o in rs("RCPT")] == [250, 250, 250, 452]'
check "recipients_max exceeded: transient" jcheck many 'rs("RCPT")[-1]["severity"] == "transient-negative"'

# --- 5: STARTTLS (when both sides can) --------------------------------------
if grep -q '^tls_certificate' "$CONF"; then
    probe tls --json --starttls --tls-ca "$WORK/cert.pem" --auth "$USER_NAME:$USER_PASS" "${A[@]}"
    if grep -q "built without OpenSSL" "$WORK/tls.err"; then
        echo "SKIP  STARTTLS: smtp-probe was built without OpenSSL"
        SKIPPED=$((SKIPPED + 1))
    else
        check "STARTTLS: 220" jcheck tls 'r("STARTTLS")["code"] == 220'
        check "STARTTLS: EHLO again after TLS" jcheck tls 'len(rs("EHLO")) == 2 and rs("EHLO")[1]["code"] == 250'
        check "STARTTLS: AUTH over verified TLS: 235" jcheck tls \
            'r("AUTH")["code"] == 235 and r("AUTH")["tls"] == "verified"'
        check "STARTTLS: TLS version reported" grep -q "TLS TLSv1" "$WORK/tls.err"
        check "STARTTLS: exit status 0" status_is tls 0
        # The throwaway certificate is not in the system's store: refused, no AUTH.
        probe tls-untrusted --json --starttls --auth "$USER_NAME:$USER_PASS" "${A[@]}"
        check "STARTTLS: untrusted certificate refused, exit status 3" status_is tls-untrusted 3
        check "STARTTLS: untrusted certificate: no AUTH sent" jcheck tls-untrusted 'not rs("AUTH")'
        check "STARTTLS: untrusted certificate: says why" grep -q "did not verify" "$WORK/tls-untrusted.err"
    fi
else
    # openssl is a requirement of this script: a certificate that could not be made
    # would leave the whole STARTTLS section out unseen.
    check "STARTTLS: a throwaway certificate was made for Exim" false
fi

# --- 6: the recorded bytes through smtp-parse at several chunk sizes --------
"$PARSE" "$WORK/rcpt.raw" >"$WORK/parse-whole.out" 2>&1
"$PARSE" --chunk-size 1 "$WORK/rcpt.raw" >"$WORK/parse-1.out" 2>&1
"$PARSE" --chunk-size 7 "$WORK/rcpt.raw" >"$WORK/parse-7.out" 2>&1
"$PARSE" --chunk-size 1 <"$WORK/rcpt.raw" >"$WORK/parse-stdin.out" 2>&1
check "recorded session is not empty" test -s "$WORK/rcpt.raw"
check "smtp-parse: one object per reply" jcheck parse-whole \
    "len(objs) == $(grep -vc '^{"end":' "$WORK/rcpt.out") and all('code' in o for o in objs)"
check "smtp-parse --chunk-size 1: identical" cmp -s "$WORK/parse-whole.out" "$WORK/parse-1.out"
check "smtp-parse --chunk-size 7: identical" cmp -s "$WORK/parse-whole.out" "$WORK/parse-7.out"
check "smtp-parse from stdin: identical" cmp -s "$WORK/parse-whole.out" "$WORK/parse-stdin.out"
check "smtp-parse agrees with smtp-probe (offset, code, enhanced, lines, flags)" python3 - \
    "$WORK/parse-whole.out" "$WORK/rcpt.out" <<'PY'
import json, sys
# Reply flags only: the probe knows each reply's command, smtp-parse does not.
verdict_flags = {"unexpected-for-command", "class-disagrees", "treat-as-temporary", "provider-text"}
def key(o):
    return [o.get(k) for k in ("offset", "code", "enhanced", "lines", "encoding")] + \
        [sorted(set(o.get("flags", [])) - verdict_flags)]
a = [key(json.loads(l)) for l in open(sys.argv[1]) if l.strip()]
b = [key(o) for o in (json.loads(l) for l in open(sys.argv[2]) if l.strip()) if "end" not in o]
sys.exit(0 if a == b and a else 1)
PY

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ] || exit 1
[ "$SKIPPED" = 0 ] || exit 77   # a section that could not run is a skip, never a pass
