# Shared by the benchmark scripts, which source it after setting BENCH (a name for
# the work folder) and UJILAB. Traffic goes to 127.0.0.1 only.
#
# Gives: $WORK (a folder removed on exit), PIDS (processes stopped on exit), say,
# free_port, median, apt_install, build_ujilab and start_nginx.

WORK=$(mktemp -d "/tmp/ujilab-$BENCH.XXXXXX")
chmod 755 "$WORK" # nginx workers run as an unprivileged user and must read its files
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# median < NUMBERS: the median of one number per line.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# apt_install PACKAGE...: Debian packages, when any is given (needs root).
apt_install() {
    [ $# -gt 0 ] || return 0
    say "installing $* (apt-get)"
    apt-get install -y "$@" >/dev/null 2>&1 ||
        { apt-get update >/dev/null && apt-get install -y "$@" >/dev/null; }
}

# build_ujilab: a release build, unless UJILAB names another binary.
build_ujilab() {
    if [ "$UJILAB" = target/release/ujilab ]; then
        say "building ujilab (release)"
        cargo build --release --quiet
    fi
}

# start_nginx FILE CONTENT CONNECTIONS [HTTP-DIRECTIVES]: one nginx worker serving
# FILE (holding CONTENT) on 127.0.0.1:$NGINX_PORT, up to CONNECTIONS at once.
start_nginx() {
    local file=$1 content=$2 connections=$3 directives=${4:-}
    NGINX_PORT=$(free_port)
    mkdir -p "$WORK/nginx/html"
    printf '%s\n' "$content" >"$WORK/nginx/html/$file"
    cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections $connections; }
http {
    access_log off;
    $directives
    client_body_temp_path $WORK/nginx;
    proxy_temp_path $WORK/nginx;
    fastcgi_temp_path $WORK/nginx;
    uwsgi_temp_path $WORK/nginx;
    scgi_temp_path $WORK/nginx;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/nginx/html;
    }
}
CONF
    nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
    PIDS+=($!)
    for _ in $(seq 50); do
        curl -fs "http://127.0.0.1:$NGINX_PORT/$file" >/dev/null 2>&1 && return
        sleep 0.1
    done
    say "nginx did not start"
    exit 1
}
