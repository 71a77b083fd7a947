#!/usr/bin/env bash
# Throwaway PostgreSQL server for the test suite (STYLE.md rule 21).
#
#   scripts/pg.sh start        initdb into a fresh temp dir, start a server on a
#                              free 127.0.0.1 port, create database gongkai_test.
#                              stdout is only shell code, so callers can do
#                                eval "$(scripts/pg.sh start)"
#                              It sets GONGKAI_TEST_POSTGRES (the DSN) and
#                              GONGKAI_TEST_POSTGRES_DIR (the temp dir to stop).
#   scripts/pg.sh stop [DIR]   stop that server and remove DIR
#                              (default: $GONGKAI_TEST_POSTGRES_DIR).
#   scripts/pg.sh replica DIR  start a hot standby of the server of DIR (a
#                              dir from `start`): pg_basebackup -R into a
#                              fresh temp dir, streaming replication. Prints
#                              GONGKAI_TEST_POSTGRES_REPLICA (its base DSN)
#                              and GONGKAI_TEST_POSTGRES_REPLICA_DIR (stop it
#                              with `pg.sh stop` like any other). The port
#                              is random, or from PG_PORT_RANGE=LO-HI.
#
# Uses Debian's postgresql (15); installs it with apt-get when initdb is
# missing. PostgreSQL refuses to run as root, so as root the cluster belongs
# to the `postgres` OS user (created when missing). The cluster is for tests
# only: trust auth, fsync off.
set -euo pipefail

readonly DB_NAME=gongkai_test
readonly DB_ROLE=postgres
readonly MARKER=.gongkai-test-postgres # marks dirs this script may delete
readonly READY_TIMEOUT=30              # seconds
export PATH="$PATH:/usr/sbin:/sbin"    # runuser, useradd

log() { printf 'pg.sh: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# The client must not pick up settings meant for some other server.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE \
	PGSERVICE PGSERVICEFILE PGOPTIONS PGSSLMODE PGTARGETSESSIONATTRS PGDATA

apt_install() {
	[ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and we are not root: run 'apt-get install -y $*' first"
	log "installing $* with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=300 update >&2 ||
		die "apt-get update failed"
	apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" >&2 ||
		die "apt-get install $* failed"
}

# find_bindir prints the directory holding initdb, pg_ctl and friends.
find_bindir() {
	local d
	if [ -n "${PG_BINDIR:-}" ]; then
		[ -x "$PG_BINDIR/initdb" ] || die "PG_BINDIR=$PG_BINDIR has no initdb"
		printf '%s\n' "$PG_BINDIR"
		return
	fi
	if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		printf '%s\n' /usr/lib/postgresql/15/bin
		return
	fi
	# Any other Debian major version, newest first.
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)
	if [ -x "$d" ]; then
		dirname "$d"
		return
	fi
	return 1
}

# As root every server-side command runs as the postgres OS user;
# otherwise as ourselves.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

ensure_postgres_user() {
	[ "$(id -u)" -eq 0 ] || return 0
	id -u postgres >/dev/null 2>&1 && return 0
	log "creating OS user postgres"
	if getent group postgres >/dev/null; then
		useradd --system --gid postgres --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin postgres
	else
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin postgres
	fi
}

random_port() {
	if [[ ${PG_PORT_RANGE:-} =~ ^([0-9]+)-([0-9]+)$ ]]; then
		local lo=${BASH_REMATCH[1]} hi=${BASH_REMATCH[2]}
		echo $((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
		return
	fi
	# RANDOM is 15 bits; combine two for an even spread over 20000-60000.
	echo $((20000 + (RANDOM * 32768 + RANDOM) % 40001))
}

# port_in_use succeeds when something accepts connections on 127.0.0.1:$1.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# postmaster_pid prints the pid of the live server of data dir $1, if any.
postmaster_pid() {
	local pidfile=$1/postmaster.pid pid
	[ -r "$pidfile" ] || return 1
	pid=$(head -n1 "$pidfile" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] || return 1
	printf '%s\n' "$pid"
}

# reap_stale removes clusters left behind by runs that were killed outright
# (SIGKILL leaves no chance to clean up): only our own marked dirs, with no
# live server, untouched for an hour (so never one another run is creating).
reap_stale() {
	local d
	for d in /tmp/gongkai-pg.*; do
		[ -f "$d/$MARKER" ] || continue
		postmaster_pid "$d/data" >/dev/null && continue
		[ -n "$(find "$d" -maxdepth 0 -mmin +60 2>/dev/null)" ] || continue
		log "removing stale cluster $d"
		rm -rf -- "$d" 2>/dev/null || true
	done
}

cmd_start() {
	local bindir tmp data sock logf port pid version locale

	bindir=$(find_bindir) || {
		apt_install postgresql
		bindir=$(find_bindir) || die "initdb still not found after installing postgresql"
	}
	ensure_postgres_user
	reap_stale

	tmp=$(mktemp -d /tmp/gongkai-pg.XXXXXXXX)
	# From here on a failure or an interrupt must not leave a server or files.
	START_TMP=$tmp
	trap 'start_failed' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP

	: >"$tmp/$MARKER"
	data=$tmp/data
	sock=$tmp/sock
	logf=$tmp/server.log
	mkdir -m 0700 "$sock"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres: "$tmp"
	fi
	# The server user may not be able to enter the caller's cwd (/root/...).
	cd "$tmp"

	# C.UTF-8: code-point collation, like SQLite's BINARY, so ORDER BY on
	# text agrees between the two back ends; UTF-8-aware lower()/upper().
	locale=C
	if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then locale=C.UTF-8; fi
	as_owner "$bindir/initdb" --pgdata="$data" --username="$DB_ROLE" \
		--auth=trust --encoding=UTF8 --locale="$locale" --no-sync \
		>"$tmp/initdb.log" 2>&1 || {
		cat "$tmp/initdb.log" >&2
		die "initdb failed"
	}

	cat >>"$data/postgresql.conf" <<-EOF

		# gongkai test cluster (scripts/pg.sh): throwaway, tuned for speed.
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$sock'
		max_connections = 200
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		logging_collector = off
		# A standby (pg.sh replica) starts streaming where its copy
		# ended: keep that WAL even if a checkpoint runs meanwhile.
		wal_keep_size = '128MB'
	EOF
	cat >"$data/pg_hba.conf" <<-EOF
		# TYPE  DATABASE  USER  ADDRESS       METHOD
		local   all       all                 trust
		host    all       all   127.0.0.1/32  trust
		local   replication all               trust
		host    replication all 127.0.0.1/32  trust
	EOF

	launch "$bindir" "$data" "$logf" "$tmp" PostgreSQL
	port=$LAUNCHED_PORT

	"$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$DB_ROLE" -d postgres \
		-c "CREATE DATABASE $DB_NAME OWNER $DB_ROLE" >&2 ||
		die "could not create database $DB_NAME"

	pid=$(postmaster_pid "$data") || die "server is not running after start"
	version=$("$bindir/postgres" --version)
	trap - EXIT INT TERM HUP

	log "$version ready on 127.0.0.1:$port (pid $pid), data dir $tmp"
	log "stop it with: scripts/pg.sh stop $tmp"
	printf "export GONGKAI_TEST_POSTGRES='postgres://%s@127.0.0.1:%s/%s?sslmode=disable'\n" \
		"$DB_ROLE" "$port" "$DB_NAME"
	printf "export GONGKAI_TEST_POSTGRES_DIR='%s'\n" "$tmp"
}

# launch BINDIR DATA LOG TMP WHAT starts the server of DATA on a free port
# and waits until it accepts TCP connections; LAUNCHED_PORT is its port.
# A port that looks free may still be taken before the server binds it
# (other test runs start servers too), so a bind failure is retried.
launch() {
	local bindir=$1 data=$2 logf=$3 tmp=$4 what=$5 attempt port started= waited=0
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		port=$(random_port)
		port_in_use "$port" && continue
		: >"$logf"
		if [ "$(id -u)" -eq 0 ]; then chown postgres: "$logf"; fi
		if as_owner "$bindir/pg_ctl" start --pgdata="$data" --log="$logf" \
			--wait --timeout="$READY_TIMEOUT" --options="-p $port" >/dev/null 2>"$tmp/pg_ctl.err"; then
			started=1
			break
		fi
		if grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' "$logf"; then
			log "port $port was taken, trying another (attempt $attempt)"
			# The server may still be shutting down after failing to bind.
			as_owner "$bindir/pg_ctl" stop --pgdata="$data" -m immediate >/dev/null 2>&1 || true
			continue
		fi
		cat "$tmp/pg_ctl.err" >&2 || true
		log "server log ($logf):"
		cat "$logf" >&2 || true
		die "$what failed to start or was not ready within ${READY_TIMEOUT}s (server log above)"
	done
	[ -n "$started" ] || die "found no free port for $what after 10 attempts"

	# pg_ctl --wait trusts postmaster.pid; make sure TCP really answers.
	until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$DB_ROLE" -d postgres; do
		if [ "$waited" -ge $((READY_TIMEOUT * 10)) ]; then
			log "server log ($logf):"
			cat "$logf" >&2 || true
			die "$what on 127.0.0.1:$port did not accept connections within ${READY_TIMEOUT}s"
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
	LAUNCHED_PORT=$port
}

# cmd_replica starts a hot standby of the test server of temp dir $1.
cmd_replica() {
	local primary=${1%/} bindir tmp data sock logf port pport
	[ -f "$primary/$MARKER" ] || die "$primary was not made by pg.sh start"
	pport=$(sed -n 4p "$primary/data/postmaster.pid" 2>/dev/null) || true
	[[ $pport =~ ^[0-9]+$ ]] || die "no running server in $primary"
	bindir=$(find_bindir) || die "initdb not found"
	tmp=$(mktemp -d /tmp/gongkai-pg.XXXXXXXX)
	START_TMP=$tmp
	trap 'start_failed' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	: >"$tmp/$MARKER"
	data=$tmp/data
	sock=$tmp/sock
	logf=$tmp/server.log
	mkdir -m 0700 "$sock"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres: "$tmp"
	fi
	cd "$tmp"
	# -R writes standby.signal and primary_conninfo; the WAL of the copy
	# streams along (-X stream), so the standby starts consistent.
	as_owner "$bindir/pg_basebackup" -h 127.0.0.1 -p "$pport" -U "$DB_ROLE" -D "$data" \
		-R -X stream --checkpoint=fast --no-sync >"$tmp/basebackup.log" 2>&1 || {
		cat "$tmp/basebackup.log" >&2
		die "pg_basebackup failed"
	}
	cat >>"$data/postgresql.conf" <<-EOF

		# gongkai test standby (scripts/pg.sh replica)
		unix_socket_directories = '$sock'
		hot_standby = on
	EOF
	launch "$bindir" "$data" "$logf" "$tmp" "the standby"
	port=$LAUNCHED_PORT
	trap - EXIT INT TERM HUP
	log "standby of 127.0.0.1:$pport ready on 127.0.0.1:$port, data dir $tmp"
	printf "export GONGKAI_TEST_POSTGRES_REPLICA='postgres://%s@127.0.0.1:%s/%s?sslmode=disable'\n" \
		"$DB_ROLE" "$port" "$DB_NAME"
	printf "export GONGKAI_TEST_POSTGRES_REPLICA_DIR='%s'\n" "$tmp"
}

start_failed() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "${START_TMP:-}" ]; then
		stop_dir "$START_TMP" || true
	fi
	exit "$rc"
}

# find_postmaster prints the pid of the server of data dir $1, also while it
# is still starting and has not written postmaster.pid (start interrupted).
find_postmaster() {
	local pid f cmd
	if pid=$(postmaster_pid "$1"); then
		printf '%s\n' "$pid"
		return 0
	fi
	# No pgrep: procps is not part of a minimal Debian.
	for f in /proc/[0-9]*/cmdline; do
		cmd=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
		case $cmd in
		*/postgres" -D $1 "*)
			pid=${f#/proc/}
			printf '%s\n' "${pid%/cmdline}"
			return 0
			;;
		esac
	done
	return 1
}

# stop_dir stops the server of temp dir $1 (if running) and removes the dir.
stop_dir() {
	local tmp=$1 data=$1/data pid bindir i
	if pid=$(find_postmaster "$data"); then
		if [ -f "$data/postmaster.pid" ] && bindir=$(find_bindir); then
			(cd / && as_owner "$bindir/pg_ctl" stop --pgdata="$data" -m fast \
				--wait --timeout=20 >/dev/null 2>&1) || true
		fi
		# Whatever pg_ctl did, make sure the postmaster is gone:
		# SIGINT is a fast shutdown, SIGQUIT an immediate one.
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			case $i in
			1) kill -INT "$pid" 2>/dev/null || true ;;
			40) kill -QUIT "$pid" 2>/dev/null || true ;;
			70) kill -KILL "$pid" 2>/dev/null || true ;;
			esac
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "error: postmaster $pid of $data would not stop"
			return 1
		fi
	fi
	rm -rf -- "$tmp"
}

cmd_stop() {
	local tmp=${1:-${GONGKAI_TEST_POSTGRES_DIR:-}}
	[ -n "$tmp" ] || die "usage: pg.sh stop DIR (or set GONGKAI_TEST_POSTGRES_DIR)"
	tmp=${tmp%/}
	# Accept the data dir itself as well as the temp dir around it.
	if [ "$(basename "$tmp")" = data ] && [ -f "$(dirname "$tmp")/$MARKER" ]; then
		tmp=$(dirname "$tmp")
	fi
	if [ ! -e "$tmp" ]; then
		log "$tmp does not exist; nothing to stop"
		return 0
	fi
	# Never rm -rf a directory this script did not create.
	[ -f "$tmp/$MARKER" ] || die "$tmp was not made by pg.sh start; refusing to remove it"
	stop_dir "$tmp" || die "could not stop the server in $tmp"
	log "stopped and removed $tmp"
}

case "${1:-}" in
start)
	[ $# -eq 1 ] || die "usage: pg.sh start"
	cmd_start
	;;
replica)
	[ $# -eq 2 ] || die "usage: pg.sh replica DIR"
	cmd_replica "$2"
	;;
stop)
	[ $# -le 2 ] || die "usage: pg.sh stop [DIR]"
	cmd_stop "${2:-}"
	;;
*)
	die "usage: pg.sh start | pg.sh stop [DIR] | pg.sh replica DIR"
	;;
esac
