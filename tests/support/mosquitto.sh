#!/usr/bin/env bash
# A throwaway mosquitto broker for the tests, on 127.0.0.1 only, without persistence.
#   mosquitto.sh start DIR PORT [--password-file FILE] [--tls CERT_DIR --plain-port PORT2]
#                         write DIR/mosquitto.conf and start the broker
#   mosquitto.sh stop DIR stop it and remove DIR
#   mosquitto.sh make-tls CERT_DIR
#                         make a test CA (ca.crt) and a broker certificate for 127.0.0.1 and
#                         localhost signed by it (server.crt, server.key), with openssl
# With --password-file (made with mosquitto_passwd) anonymous clients are refused. With --tls,
# PORT speaks TLS with CERT_DIR's certificate and PORT2 plain MQTT.
# The broker runs in the foreground of a background job whose pid is DIR/pid; its log is
# DIR/mosquitto.log. start waits until the port accepts connections.
set -euo pipefail
action=${1:?start|stop}
dir=${2:?directory}

broker=/usr/sbin/mosquitto
[[ -x $broker ]] || broker=$(command -v mosquitto || true)
[[ -n $broker && -x $broker ]] || { echo "mosquitto is not installed (scripts/setup.sh installs it)" >&2; exit 1; }

stop_broker() {
  [[ -f $dir/pid ]] || return 0
  local pid
  pid=$(cat "$dir/pid")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case $action in
  start)
    port=${3:?port}
    shift 3
    password_file="" tls_dir="" plain_port=""
    while (($#)); do
      case $1 in
        --password-file) password_file=${2:?file}; shift 2 ;;
        --tls) tls_dir=${2:?directory}; shift 2 ;;
        --plain-port) plain_port=${2:?port}; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
      esac
    done
    stop_broker
    rm -rf "$dir"
    mkdir -p "$dir"
    if port_open "$port"; then
      echo "port $port on 127.0.0.1 is already in use: cannot start the test broker there" >&2
      exit 1
    fi
    {
      echo "per_listener_settings false"
      echo "listener $port 127.0.0.1"
      if [[ -n $tls_dir ]]; then
        echo "cafile $tls_dir/ca.crt"
        echo "certfile $tls_dir/server.crt"
        echo "keyfile $tls_dir/server.key"
      fi
      if [[ -n $plain_port ]]; then echo "listener $plain_port 127.0.0.1"; fi
      echo "persistence false"
      echo "log_dest stderr"
      echo "log_type error"
      echo "log_type warning"
      echo "log_type notice"
      echo "log_type information"
      echo "connection_messages true"
      if [[ -n $password_file ]]; then
        echo "allow_anonymous false"
        echo "password_file $password_file"
      else
        echo "allow_anonymous true"
      fi
    } >"$dir/mosquitto.conf"
    # As root, mosquitto would switch to the mosquitto user; keep root so it can read DIR.
    [[ $(id -u) -eq 0 ]] && echo "user root" >>"$dir/mosquitto.conf"
    setsid "$broker" -c "$dir/mosquitto.conf" </dev/null >"$dir/mosquitto.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 100); do
      port_open "$port" && exit 0
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "mosquitto did not start on 127.0.0.1:$port:" >&2
    cat "$dir/mosquitto.log" >&2
    stop_broker
    exit 1
    ;;
  stop)
    stop_broker
    rm -rf "$dir"
    ;;
  make-tls)
    mkdir -p "$dir"
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ecotown-test-ca \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile server.ext -out server.crt 2>/dev/null
    ;;
  *) echo "usage: $0 start DIR PORT [options] | stop DIR | make-tls DIR" >&2; exit 2 ;;
esac
