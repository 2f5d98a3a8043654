#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) for development, tests and `npm start`.
#
#   deploy/kafka/kafka.sh fetch    resolve the broker jars from Maven Central (cached)
#   deploy/kafka/kafka.sh start    format storage if needed, start, wait until ready
#   deploy/kafka/kafka.sh stop     stop the broker started by this script
#   deploy/kafka/kafka.sh status   exit 0 when the broker answers
#   deploy/kafka/kafka.sh tool CLASS [ARGS]   run a Kafka tool, e.g. org.apache.kafka.tools.ConsumerPerformance
#
# Settings (environment, all optional):
#   PORTSCORE_KAFKA_PORT   listener port on 127.0.0.1            (default 19092)
#   PORTSCORE_KAFKA_HOME   cache of jars, data and logs          (default ~/.cache/portscore/kafka)
#   PORTSCORE_KAFKA_DATA   data folder                           (default $PORTSCORE_KAFKA_HOME/data-$PORT)
#   PORTSCORE_KAFKA_FRESH  1 = wipe the data folder before start (default 0)
#   PORTSCORE_KAFKA_JVM_OPTS  the broker's garbage collector and compiler ("" for the JVM's own)
#                          (default "-XX:+UseSerialGC -XX:TieredStopAtLevel=1": a broker that shares
#                          a small machine with the services and the database; on a machine of its
#                          own give Kafka's "-XX:+UseG1GC", see docs/benchmarks.md)
#   PORTSCORE_KAFKA_SCRAM  user:password = also listen with SASL/SCRAM (SHA-256 and SHA-512) on
#                          port+2, with that user's credentials set when the storage is formatted
#   PORTSCORE_KAFKA_TLS    directory = also listen with TLS on port+3, and with TLS that requires a
#                          client certificate on port+4; a private CA (ca.pem), a broker
#                          certificate for 127.0.0.1/localhost and a client certificate
#                          (client.pem, client.key) are made there with openssl unless present:
#                          clients trust ca.pem (KAFKA_SSL_CA_FILE) and present client.pem
#                          (KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE)
#                          With PORTSCORE_KAFKA_SCRAM as well: SASL/SCRAM over TLS on port+5, as
#                          on the Kubernetes cluster of deploy/k8s
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${PORTSCORE_KAFKA_PORT:-19092}"
controller_port=$((port + 1))
home="${PORTSCORE_KAFKA_HOME:-${HOME}/.cache/portscore/kafka}"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
libs="$home/libs-$version"
data="${PORTSCORE_KAFKA_DATA:-$home/data-$port}"
pidfile="$data/broker.pid"
logfile="$data/broker.log"

# One thread collects (no concurrent collector threads), and methods are compiled once, quickly
# (C1), without the optimising compiler's second pass: on two shared cores those threads took CPU
# from the services and PostgreSQL, and a broker at this load gains little from their work.
broker_jvm_default="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"

log() { printf '[kafka] %s\n' "$*" >&2; }

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  command -v java >/dev/null || { log "java not found: install a JDK 17+ (apt-get install openjdk-17-jre-headless)"; exit 1; }
  command -v mvn >/dev/null || { log "mvn not found: install Maven (apt-get install maven)"; exit 1; }
  log "resolving Apache Kafka $version from Maven Central into $libs"
  rm -rf "$libs.tmp"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs.tmp" -DincludeScope=runtime >&2
  touch "$libs.tmp/.complete"
  rm -rf "$libs" && mv "$libs.tmp" "$libs"
}

java_run() {
  java -Xms256m -Xmx${PORTSCORE_KAFKA_HEAP:-768m} -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$here/log4j2.xml" -cp "$libs/*" "$@"
}

is_up() {
  # A TCP connect on the listener; the readiness wait also checks metadata below.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

running_pid() {
  if [ -f "$pidfile" ]; then
    local pid; pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  fi
  return 1
}

tls_files() {
  # Made once: clients keep trusting the same ca.pem across broker restarts.
  local dir="$1"
  if [ -f "$dir/ca.pem" ] && [ -f "$dir/broker-keystore.pem" ] && [ -f "$dir/client.pem" ]; then return 0; fi
  command -v openssl >/dev/null || { log "openssl not found: install it (apt-get install openssl)"; exit 1; }
  log "making a private CA, a broker certificate for 127.0.0.1/localhost and a client certificate in $dir"
  mkdir -p "$dir"
  local work; work="$(mktemp -d "$dir/.tls.XXXXXX")"
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Portscore local Kafka CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$work/ca.key" -out "$work/ca.pem"
    # -nodes writes an unencrypted PKCS#8 key, the form the broker's PEM keystore reads.
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$work/broker.key" -out "$work/broker.csr"
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" \
      "basicConstraints=critical,CA:FALSE" > "$work/broker.ext"
    openssl x509 -req -days 825 -in "$work/broker.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
      -CAcreateserial -extfile "$work/broker.ext" -out "$work/broker.pem"
    cat "$work/broker.key" "$work/broker.pem" "$work/ca.pem" > "$work/broker-keystore.pem"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=portscore" -keyout "$work/client.key" -out "$work/client.csr"
    printf '%s\n' "extendedKeyUsage=clientAuth" "basicConstraints=critical,CA:FALSE" > "$work/client.ext"
    openssl x509 -req -days 825 -in "$work/client.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
      -CAcreateserial -extfile "$work/client.ext" -out "$work/client.pem"
  ) >/dev/null 2>&1 || { log "openssl could not make the TLS files in $dir"; rm -rf "$work"; exit 1; }
  mv "$work/ca.key" "$work/broker.key" "$work/broker.pem" "$work/broker-keystore.pem" "$work/client.key" \
    "$work/client.pem" "$dir/"
  # Certificates are public; only the keys stay private.
  chmod 644 "$work/ca.pem" "$dir/broker.pem" "$dir/client.pem"
  mv "$work/ca.pem" "$dir/ca.pem"
  rm -rf "$work"
}

start() {
  fetch
  if pid="$(running_pid)"; then log "already running (pid $pid) on 127.0.0.1:$port"; echo "127.0.0.1:$port"; return 0; fi
  if is_up; then log "port $port is taken by another process: set PORTSCORE_KAFKA_PORT"; exit 1; fi
  if [ "${PORTSCORE_KAFKA_FRESH:-0}" = "1" ]; then rm -rf "$data"; fi
  mkdir -p "$data"
  local listeners="PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port"
  local advertised="PLAINTEXT://127.0.0.1:$port"
  local protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  local scram_format=()
  if [ -n "${PORTSCORE_KAFKA_SCRAM:-}" ]; then
    local scram_port=$((port + 2)) user="${PORTSCORE_KAFKA_SCRAM%%:*}" password="${PORTSCORE_KAFKA_SCRAM#*:}"
    listeners="$listeners,SASL_PLAINTEXT://127.0.0.1:$scram_port"
    advertised="$advertised,SASL_PLAINTEXT://127.0.0.1:$scram_port"
    protocols="$protocols,SASL_PLAINTEXT:SASL_PLAINTEXT"
    scram_format=(--add-scram "SCRAM-SHA-256=[name=$user,password=$password]"
      --add-scram "SCRAM-SHA-512=[name=$user,password=$password]")
  fi
  local tls_props=""
  if [ -n "${PORTSCORE_KAFKA_TLS:-}" ]; then
    local tls_dir; tls_dir="$(mkdir -p "$PORTSCORE_KAFKA_TLS" && cd "$PORTSCORE_KAFKA_TLS" && pwd)"
    tls_files "$tls_dir"
    listeners="$listeners,SSL://127.0.0.1:$((port + 3)),MTLS://127.0.0.1:$((port + 4))"
    advertised="$advertised,SSL://127.0.0.1:$((port + 3)),MTLS://127.0.0.1:$((port + 4))"
    protocols="$protocols,SSL:SSL,MTLS:SSL"
    # On SSL the broker proves who it is and clients stay anonymous, as on the plaintext listener;
    # on MTLS clients must present a certificate from the same CA.
    tls_props="listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=$tls_dir/broker-keystore.pem
listener.name.ssl.ssl.client.auth=none
listener.name.mtls.ssl.keystore.type=PEM
listener.name.mtls.ssl.keystore.location=$tls_dir/broker-keystore.pem
listener.name.mtls.ssl.truststore.type=PEM
listener.name.mtls.ssl.truststore.location=$tls_dir/ca.pem
listener.name.mtls.ssl.client.auth=required"
    if [ -n "${PORTSCORE_KAFKA_SCRAM:-}" ]; then
      # SASL_SSL: the broker's certificate, then SCRAM for the client, in one connection.
      listeners="$listeners,SASL_SSL://127.0.0.1:$((port + 5))"
      advertised="$advertised,SASL_SSL://127.0.0.1:$((port + 5))"
      protocols="$protocols,SASL_SSL:SASL_SSL"
      tls_props="$tls_props
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=$tls_dir/broker-keystore.pem
listener.name.sasl_ssl.ssl.client.auth=none
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
    fi
  fi
  cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=$listeners
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
log.dirs=$data/logs
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.cleaner.backoff.ms=1000
$tls_props
PROPS
  if [ ! -f "$data/logs/meta.properties" ]; then
    log "formatting KRaft storage in $data/logs"
    java_run kafka.tools.StorageTool format -t "$(java_run kafka.tools.StorageTool random-uuid)" \
      -c "$data/server.properties" "${scram_format[@]}" >/dev/null
  fi
  local started; started=$(date +%s%N)
  # shellcheck disable=SC2086 # the options are words
  nohup java -Xms256m -Xmx${PORTSCORE_KAFKA_HEAP:-768m} ${PORTSCORE_KAFKA_JVM_OPTS-$broker_jvm_default} \
    -Dlog4j2.configurationFile="$here/log4j2.xml" -cp "$libs/*" \
    kafka.Kafka "$data/server.properties" >>"$logfile" 2>&1 &
  echo $! > "$pidfile"
  log "starting broker (pid $(cat "$pidfile")) on 127.0.0.1:$port, log $logfile"
  for _ in $(seq 1 240); do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "broker exited during start-up; last lines of $logfile:"; tail -20 "$logfile" >&2; exit 1
    fi
    if is_up; then
      local ms=$(( ($(date +%s%N) - started) / 1000000 ))
      local also=""
      if [ -n "${PORTSCORE_KAFKA_SCRAM:-}" ]; then also="SASL/SCRAM on 127.0.0.1:$((port + 2))"; fi
      if [ -n "${PORTSCORE_KAFKA_TLS:-}" ]; then also="${also:+$also, }TLS on 127.0.0.1:$((port + 3)) and with client certificates on 127.0.0.1:$((port + 4)), CA $tls_dir/ca.pem"; fi
      if [ -n "${PORTSCORE_KAFKA_SCRAM:-}" ] && [ -n "${PORTSCORE_KAFKA_TLS:-}" ]; then also="$also, SASL/SCRAM over TLS on 127.0.0.1:$((port + 5))"; fi
      log "ready on 127.0.0.1:$port after ${ms} ms${also:+ ($also)}"
      echo "127.0.0.1:$port"
      return 0
    fi
    sleep 0.25
  done
  log "broker not ready after 60 s; see $logfile"; exit 1
}

stop() {
  if pid="$(running_pid)"; then
    log "stopping broker (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then log "broker did not stop in 30 s, killing"; kill -KILL "$pid"; fi
    rm -f "$pidfile"
  else
    log "not running"
  fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  tool) shift; fetch; java_run "$@" ;;
  status) if running_pid >/dev/null && is_up; then echo "127.0.0.1:$port"; else exit 1; fi ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
