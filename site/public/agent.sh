#!/bin/sh
# homecall reference agent: sends one anonymous usage event to a homecall deployment.
#
#   agent.sh [-v] [send [TYPE]]   send an event (default type: heartbeat)
#   agent.sh [-v] erase           ask the server to delete everything of this install, then
#                                 forget the local install id
#   agent.sh id                   print this install's random id
#   agent.sh proof                print this install's proof of work (found once, then kept)
#   agent.sh help                 this text
#
# POSIX sh (dash, bash, busybox ash); needs curl or wget, nothing else (no jq).
# Telemetry must never break its caller: `send` always exits 0, never waits more than a few
# seconds, and sends nothing when the user opted out (DO_NOT_TRACK or DISABLE_TELEMETRY set to
# anything but 0, or an opt-out file). See `agent.sh help` for every setting.
#
# Served at https://stats.example.org/agent.sh; copy it into your product and adjust the
# defaults below, or run it with the HOMECALL_* environment variables set.

HOMECALL_URL=${HOMECALL_URL:-https://stats.example.org}
# Zero bits of the proof of work the deployment asks for (its screening.proofOfWork.difficulty).
HOMECALL_POW_BITS=${HOMECALL_POW_BITS:-16}
EVENT_TYPES='install upgrade heartbeat start stop crash fatal install_failed opt_out report'
# Files and directories this script creates are private to the user running it.
umask 077

usage() {
  cat <<'EOF'
usage: agent.sh [-v] [send [TYPE]] | erase | id | proof | help

  send [TYPE]  send one event (default TYPE: heartbeat); one of install, upgrade, heartbeat,
               start, stop, crash, fatal, install_failed, opt_out, report
  erase        delete every record of this install on the server, then the local install id
  id           print this install's random id (created on first use)
  proof        print this install's proof of work, found once with python3 or perl and kept
               beside the id; sent with every event, so the install counts from its first day
  help         show this text
  -v           verbose: print what is sent and the HTTP status (or HOMECALL_VERBOSE=1)

Environment:
  HOMECALL_URL               server (default https://stats.example.org)
  HOMECALL_DIR               state directory holding install-id
                             (default ${XDG_STATE_HOME:-$HOME/.local/state}/homecall)
  HOMECALL_PRODUCT_VERSION   version of the software that reports
  HOMECALL_PRODUCT_CHANNEL   release channel, e.g. stable
  HOMECALL_INSTALL_METHOD    how it was installed, e.g. deb, docker
  HOMECALL_FAILURE_CODE      error code, for crash, fatal and install_failed events
  HOMECALL_FAILURE_MESSAGE   error message (the server scrubs addresses and names from it)
  HOMECALL_CONFIG_DIR        the product's config directory, checked for an opt-out file
  HOMECALL_POW_BITS          zero bits of the proof of work (default 16; 0: send no proof)
  HOMECALL_POW_TOOL          python3 or perl: the one to find the proof with (default: the
                             first installed); without either no proof is sent

Opting out (nothing is sent, exit status 0):
  DO_NOT_TRACK or DISABLE_TELEMETRY set to any value but 0, or any of these files:
    $HOMECALL_DIR/opt-out, $HOMECALL_DIR/.opt-out-from-anonymous-statistics,
    ${XDG_CONFIG_HOME:-$HOME/.config}/homecall/opt-out, ~/.config/homecall/opt-out,
    $HOMECALL_CONFIG_DIR/.opt-out-from-anonymous-statistics

`send` exits 0 even when the network or the server fails. `erase` exits 0 once the server
answered {"erased":true} (the same answer whether or not it held data for this install), and 1
when it did not, keeping the install id so that it can be retried.
EOF
}

say() {
  [ "$verbose" = 1 ] && printf 'homecall: %s\n' "$*" >&2
  return 0
}

# Makes a value safe inside a JSON string: control characters become spaces or go away,
# surrounding blanks are trimmed, the length is capped at $2 bytes (the server's limit, so a
# long value cannot get the whole event rejected), then backslashes and quotes are escaped.
json_text() {
  {
    printf '%s' "$1" | tr '\t\r\n' '   ' | LC_ALL=C tr -d '\000-\037\177' |
      sed -e 's/^ *//' -e 's/ *$//' | cut -c "1-$2"
    echo
  } | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

# Appends "key":"value" to $members unless the value is empty.
member() {
  m_value=$(json_text "$2" "$3")
  [ -n "$m_value" ] || return 0
  [ -n "$members" ] && members="$members,"
  members="$members\"$1\":\"$m_value\""
}

is_on() {
  [ -n "$1" ] && [ "$1" != 0 ]
}

opted_out() {
  if is_on "${DO_NOT_TRACK:-}"; then
    say 'DO_NOT_TRACK is set: nothing is sent'
    return 0
  fi
  if is_on "${DISABLE_TELEMETRY:-}"; then
    say 'DISABLE_TELEMETRY is set: nothing is sent'
    return 0
  fi
  for o_file in "$state_dir/opt-out" "$state_dir/.opt-out-from-anonymous-statistics" \
    "${XDG_CONFIG_HOME:-${HOME:-/nonexistent}/.config}/homecall/opt-out" \
    "${HOME:-/nonexistent}/.config/homecall/opt-out" \
    "${HOMECALL_CONFIG_DIR:-/nonexistent}/.opt-out-from-anonymous-statistics"; do
    if [ -e "$o_file" ]; then
      say "$o_file exists: nothing is sent"
      return 0
    fi
  done
  return 1
}

new_uuid() {
  if [ -r /proc/sys/kernel/random/uuid ]; then
    head -n 1 /proc/sys/kernel/random/uuid
  elif command -v uuidgen >/dev/null 2>&1; then
    uuidgen | tr 'A-F' 'a-f'
  elif [ -r /dev/urandom ]; then
    u_hex=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    [ "${#u_hex}" -eq 32 ] || return 1
    # Version 4, RFC 4122 variant.
    u_variant=$(printf '%x' $(((0x$(printf '%s' "$u_hex" | cut -c17) & 3) | 8)))
    printf '%s-%s-4%s-%s%s-%s\n' "$(printf '%s' "$u_hex" | cut -c1-8)" \
      "$(printf '%s' "$u_hex" | cut -c9-12)" "$(printf '%s' "$u_hex" | cut -c14-16)" \
      "$u_variant" "$(printf '%s' "$u_hex" | cut -c18-20)" "$(printf '%s' "$u_hex" | cut -c21-32)"
  else
    return 1
  fi
}

# Prints a nonce whose SHA-256 of "homecall-pow/1 <id> <nonce>" starts with $2 zero bits:
# about 2^$2 hashes, a fraction of a second at 16 bits. Shell tools would need a process per
# hash, so python3 or perl does it; without either there is no proof (it is optional).
find_proof() {
  if [ -z "${HOMECALL_POW_TOOL:-}" ]; then
    # The first tool that is installed and works (a python3 without hashlib falls through).
    for f_tool in python3 perl; do
      command -v "$f_tool" >/dev/null 2>&1 || continue
      HOMECALL_POW_TOOL=$f_tool find_proof "$@" && return 0
    done
    return 1
  fi
  case $HOMECALL_POW_TOOL in
    python3)
      python3 -c '
import hashlib, sys
prefix = hashlib.sha256(("homecall-pow/1 %s " % sys.argv[1]).encode())
limit = 1 << (256 - int(sys.argv[2]))
n = 0
while True:
    h = prefix.copy()
    h.update(str(n).encode())
    if int.from_bytes(h.digest(), "big") < limit:
        break
    n += 1
print(n)' "$1" "$2" 2>/dev/null
      ;;
    perl)
      perl -MDigest::SHA=sha256 -e '
my ($id, $bits) = @ARGV; my $n = 0;
$n++ while unpack("B$bits", sha256("homecall-pow/1 $id $n")) =~ /1/;
print "$n\n";' "$1" "$2" 2>/dev/null
      ;;
    *) return 1 ;;
  esac
}

# Sets $install_proof to this install's proof (the file holds "<id> <bits> <nonce>"): found
# once per install id and difficulty, then read back; empty when none can be found.
load_proof() {
  install_proof=''
  [ "$HOMECALL_POW_BITS" -gt 0 ] 2>/dev/null || return 1
  l_want="$install_id $HOMECALL_POW_BITS"
  if [ -f "$proof_file" ]; then
    l_line=$(head -n 1 "$proof_file" 2>/dev/null)
    case $l_line in
      "$l_want "*)
        install_proof=${l_line##* }
        case $install_proof in '' | *[!0-9]*) install_proof='' ;; *) return 0 ;; esac
        ;;
    esac
  fi
  # The server binds the proof to the id as it pseudonymises it: lower case.
  l_id=$(printf '%s' "$install_id" | tr 'A-Z' 'a-z')
  install_proof=$(find_proof "$l_id" "$HOMECALL_POW_BITS") || install_proof=''
  case $install_proof in '' | *[!0-9]*)
    install_proof=''
    return 1
    ;;
  esac
  printf '%s %s\n' "$l_want" "$install_proof" >"$proof_file" 2>/dev/null
  return 0
}

valid_id() {
  case $1 in
    '' | *[!A-Za-z0-9-]*) return 1 ;;
  esac
  [ "${#1}" -le 128 ]
}

# Sets $install_id from the id file; with $1 = create, creates the file first when missing.
load_install_id() {
  install_id=''
  if [ -f "$id_file" ]; then
    install_id=$(head -n 1 "$id_file" 2>/dev/null)
    valid_id "$install_id" && return 0
    say "$id_file is not a valid install id: replacing it"
    rm -f "$id_file"
    install_id=''
  fi
  [ "${1:-}" = create ] || return 1
  mkdir -p "$state_dir" 2>/dev/null || {
    say "cannot create $state_dir"
    return 1
  }
  if ! l_new=$(new_uuid) || ! valid_id "$l_new"; then
    say 'no source of randomness for an install id'
    return 1
  fi
  l_tmp="$id_file.$$"
  printf '%s\n' "$l_new" >"$l_tmp" 2>/dev/null || {
    say "cannot write $id_file"
    rm -f "$l_tmp"
    return 1
  }
  # ln fails when another run created the file meanwhile: then both use that one.
  ln "$l_tmp" "$id_file" 2>/dev/null
  rm -f "$l_tmp"
  install_id=$(head -n 1 "$id_file" 2>/dev/null)
  valid_id "$install_id"
}

os_release() {
  sed -n "s/^$1=//p" "$2" | head -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\1/"
}

platform_json() {
  p_os='' p_os_version='' p_os_like='' p_virt='' p_container=''
  for p_file in /etc/os-release /usr/lib/os-release; do
    if [ -r "$p_file" ]; then
      p_os=$(os_release ID "$p_file")
      p_os_version=$(os_release VERSION_ID "$p_file")
      p_os_like=$(os_release ID_LIKE "$p_file")
      break
    fi
  done
  p_kernel=$(uname -s 2>/dev/null)
  if [ -z "$p_os" ]; then
    case $p_kernel in
      Darwin)
        p_os=macos
        p_os_version=$(sw_vers -productVersion 2>/dev/null)
        ;;
      *) p_os=$(printf '%s' "$p_kernel" | tr '[:upper:]' '[:lower:]') ;;
    esac
  fi
  if command -v systemd-detect-virt >/dev/null 2>&1; then
    p_virt=$(systemd-detect-virt --vm 2>/dev/null)
    p_container=$(systemd-detect-virt --container 2>/dev/null)
  fi
  if [ -z "$p_container" ] || [ "$p_container" = none ]; then
    if [ -e /.dockerenv ]; then
      p_container=docker
    elif [ -e /run/.containerenv ]; then
      p_container=podman
    elif [ -n "${container:-}" ]; then
      p_container=$container
    else
      p_container=none
    fi
  fi
  members=''
  member os "$p_os" 64
  member osVersion "$p_os_version" 64
  member osLike "$p_os_like" 128
  member kernel "$p_kernel" 64
  member kernelVersion "$(uname -r 2>/dev/null)" 128
  member arch "$(uname -m 2>/dev/null)" 32
  member virtualization "$p_virt" 64
  member container "$p_container" 64
  printf '%s' "$members"
}

event_json() {
  e_json="{\"schema\":1,\"installId\":\"$install_id\",\"type\":\"$1\""
  # A fresh id per event lets the server store a retried request once.
  e_id=$(new_uuid) && valid_id "$e_id" && e_json="$e_json,\"eventId\":\"$e_id\""
  load_proof && e_json="$e_json,\"proof\":\"$install_proof\""
  members=''
  member version "${HOMECALL_PRODUCT_VERSION:-}" 64
  member channel "${HOMECALL_PRODUCT_CHANNEL:-}" 32
  member installMethod "${HOMECALL_INSTALL_METHOD:-}" 64
  [ -n "$members" ] && e_json="$e_json,\"product\":{$members}"
  e_platform=$(platform_json)
  [ -n "$e_platform" ] && e_json="$e_json,\"platform\":{$e_platform}"
  members=''
  member code "${HOMECALL_FAILURE_CODE:-}" 64
  member message "${HOMECALL_FAILURE_MESSAGE:-}" 2000
  [ -n "$members" ] && e_json="$e_json,\"failure\":{$members}"
  printf '%s}' "$e_json"
}

cleanup() {
  [ -n "${request_file:-}" ] && rm -f "$request_file" "$response_file" "$error_file"
  return 0
}

# POSTs the JSON in $2 to the path $1; sets $http_status (000 when there was no answer).
post() {
  http_status=000
  h_url="${HOMECALL_URL%/}$1"
  case $h_url in
    http://* | https://*) ;;
    *)
      say "HOMECALL_URL must start with http:// or https://, got $HOMECALL_URL"
      return 1
      ;;
  esac
  # The body goes through a private file, never the command line (which `ps` shows to others).
  request_file="$state_dir/.request.$$"
  response_file="$state_dir/.response.$$"
  error_file="$state_dir/.error.$$"
  mkdir -p "$state_dir" 2>/dev/null
  printf '%s' "$2" >"$request_file" 2>/dev/null || {
    say "cannot write $request_file"
    return 1
  }
  say "POST $h_url"
  say "$2"
  if command -v curl >/dev/null 2>&1; then
    http_status=$(curl -sS -o "$response_file" -w '%{http_code}' --max-time 5 \
      --connect-timeout 3 -X POST -H 'Content-Type: application/json' \
      -A 'homecall-agent.sh/1' --data-binary "@$request_file" "$h_url" 2>"$error_file")
  elif command -v wget >/dev/null 2>&1; then
    if wget --version 2>/dev/null | head -n 1 | grep -q 'GNU Wget'; then
      set -- -T 5 -t 1 --content-on-error
    else
      set -- -T 5 # busybox wget: no retries, no -t
    fi
    wget -q -S -O "$response_file" "$@" --header 'Content-Type: application/json' \
      -U 'homecall-agent.sh/1' --post-file="$request_file" "$h_url" 2>"$error_file"
    h_rc=$?
    http_status=$(sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$error_file" | tail -n 1)
    [ -s "$error_file" ] || echo "wget failed with exit status $h_rc" >"$error_file"
  else
    say 'neither curl nor wget is installed'
    return 1
  fi
  case $http_status in
    [0-9][0-9][0-9]) ;;
    *) http_status=000 ;;
  esac
  if [ "$http_status" = 000 ]; then
    say "no answer: $(head -n 3 "$error_file" 2>/dev/null | tr '\n' ' ')"
  else
    say "HTTP $http_status $(head -n 5 "$response_file" 2>/dev/null | cut -c 1-2000)"
  fi
  case $http_status in
    2??) return 0 ;;
    *) return 1 ;;
  esac
}

send() {
  s_type=${1:-heartbeat}
  case " $EVENT_TYPES " in
    *" $s_type "*) ;;
    *)
      printf 'agent.sh: unknown event type "%s"; one of: %s\n' "$s_type" "$EVENT_TYPES" >&2
      exit 2
      ;;
  esac
  opted_out && return 0
  load_install_id create || return 0
  post /v1/events "$(event_json "$s_type")"
  return 0
}

# The server answers every erase with the same body, {"erased":true}, whether or not it held
# anything for this id; only that answer confirms the erase (a captive portal or proxy may answer
# 200 with a page of its own).
erase() {
  if ! load_install_id; then
    say "no install id in $id_file: nothing to erase"
    return 0
  fi
  if post /v1/erase "{\"installId\":\"$install_id\"}" &&
    tr -d ' \t\r\n' <"$response_file" 2>/dev/null | grep -q '"erased":true'; then
    rm -f "$id_file" "$proof_file"
    say "erased; removed $id_file"
    return 0
  fi
  printf 'agent.sh: erase was not confirmed (HTTP %s); %s was kept, try again later\n' \
    "$http_status" "$id_file" >&2
  return 1
}

verbose=0
is_on "${HOMECALL_VERBOSE:-}" && verbose=1
while [ $# -gt 0 ]; do
  case $1 in
    -v | --verbose) verbose=1 ;;
    -h | --help) set -- help ;;
    -*)
      printf 'agent.sh: unknown option %s\n' "$1" >&2
      usage >&2
      exit 2
      ;;
    *) break ;;
  esac
  [ "$1" = help ] && break
  shift
done

state_dir=${HOMECALL_DIR:-}
if [ -z "$state_dir" ]; then
  if [ -n "${XDG_STATE_HOME:-}" ]; then
    state_dir="$XDG_STATE_HOME/homecall"
  elif [ -n "${HOME:-}" ]; then
    state_dir="$HOME/.local/state/homecall"
  fi
fi
id_file="$state_dir/install-id"
proof_file="$state_dir/install-proof"
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

cmd=${1:-send}
[ $# -gt 0 ] && shift
case $cmd in
  send)
    [ $# -le 1 ] || {
      usage >&2
      exit 2
    }
    if [ -z "$state_dir" ]; then
      say 'neither HOMECALL_DIR nor HOME is set: nowhere to keep an install id'
      exit 0
    fi
    send "${1:-}"
    exit 0
    ;;
  erase)
    [ -n "$state_dir" ] || exit 0
    erase
    exit $?
    ;;
  id)
    if [ -z "$state_dir" ]; then
      echo 'agent.sh: neither HOMECALL_DIR nor HOME is set' >&2
      exit 1
    fi
    if load_install_id; then
      printf '%s\n' "$install_id"
    elif opted_out; then
      echo 'agent.sh: opted out; no install id is kept' >&2
      exit 1
    elif load_install_id create; then
      printf '%s\n' "$install_id"
    else
      echo "agent.sh: cannot create $id_file" >&2
      exit 1
    fi
    ;;
  proof)
    [ -n "$state_dir" ] || exit 1
    if ! load_install_id && { opted_out || ! load_install_id create; }; then
      echo "agent.sh: no install id in $id_file (opted out, or it cannot be created)" >&2
      exit 1
    fi
    if ! load_proof; then
      echo 'agent.sh: no proof of work (needs python3 or perl, and HOMECALL_POW_BITS > 0)' >&2
      exit 1
    fi
    printf '%s\n' "$install_proof"
    ;;
  help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
