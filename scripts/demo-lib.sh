# Shared by the demo seed scripts (sourced): passwords from var/demo-credentials.txt, and
# `as_user EMAIL ctl-args…`, which runs `candela ctl --json` with that user's own session file
# (signing in first when there is none). Needs $candela, $portal and $var.
credentials="$var/demo-credentials.txt"

password_of() { grep -F "$1 " "$credentials" | head -1 | cut -d' ' -f2-; }
as_user() {
  local email=$1
  shift
  local config="$var/ctl-${email//[^a-zA-Z0-9]/-}.json"
  if [ ! -f "$config" ]; then
    password_of "$email" > "$var/.password.tmp"
    CANDELA_CTL_CONFIG="$config" "$candela" ctl --portal "$portal" login --email "$email" \
      --password-file "$var/.password.tmp" > /dev/null
    rm -f "$var/.password.tmp"
  fi
  CANDELA_CTL_CONFIG="$config" "$candela" ctl --portal "$portal" --json "$@"
}
# Forgets every demo user's session (after the portal's clock moved, they have expired).
forget_sessions() { rm -f "$var"/ctl-*-test.json; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
