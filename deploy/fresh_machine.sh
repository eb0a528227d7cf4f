#!/bin/sh
# A fresh machine, for real: does the README's promise hold on a clean Debian 12?
#
# Makes a minimal Debian 12 root with debootstrap, adds only what the README says a fresh machine
# needs (Python 3.11 with venv, make; and git with ca-certificates to clone), clones this
# repository's committed HEAD into it, and runs the README's commands inside a chroot as root,
# timing each. No Node is installed in the root: `make test` must bring its own.
#
#   deploy/fresh_machine.sh                  make quick, then make test (stopped after TEST_TIMEOUT)
#   deploy/fresh_machine.sh quick            only the given make targets, in order
#
# Needs root on a Debian or Ubuntu host (debootstrap is installed if missing) and the network to
# reach Debian's mirror, PyPI and npm. Settings (environment):
#   FRESH_DIR     where the roots live (default /var/tmp/fresh-debian12)
#   MIRROR        Debian mirror (default http://deb.debian.org/debian)
#   TEST_TIMEOUT  seconds `make test` may run before it is stopped (default 3600)
#   REF           the commit to clone (default HEAD)
#   FRESH_CA      CA certificates (paths, space-separated) that the network itself requires, as
#                 behind a TLS-inspecting proxy: any machine there needs them, nothing of the
#                 project. They join the root's trust store, and pip and Node are pointed at it.
# The pristine debootstrap is kept in $FRESH_DIR/base and copied for each run, so every run starts
# from the same clean root; the run's root is $FRESH_DIR/run, its log $FRESH_DIR/run.log.
set -eu

FRESH_DIR=${FRESH_DIR:-/var/tmp/fresh-debian12}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
TEST_TIMEOUT=${TEST_TIMEOUT:-3600}
REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
REF=$(git -C "$REPO" rev-parse "${REF:-HEAD}")
BASE=$FRESH_DIR/base
ROOT=$FRESH_DIR/run
STEPS=${*:-quick test}

say() { printf '%s fresh_machine: %s\n' "$(date -u +%H:%M:%S)" "$*"; }

[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap and chroot need it)" >&2; exit 2; }

if [ ! -x "$BASE/usr/bin/make" ]; then
	command -v debootstrap >/dev/null || apt-get install -y debootstrap
	say "debootstrap bookworm into $BASE"
	rm -rf "$BASE"
	debootstrap --variant=minbase --include=python3,python3-venv,make,git,ca-certificates \
		bookworm "$BASE" "$MIRROR"
fi

unmount() {
	for mount in dev/pts dev/shm dev sys proc; do
		if mountpoint -q "$ROOT/$mount"; then umount -l "$ROOT/$mount"; fi
	done
}
trap unmount EXIT INT TERM
if [ -d "$ROOT" ]; then  # the last run's root: out of the way now, deleted meanwhile
	unmount
	mv "$ROOT" "$ROOT.old.$$"
	nice -n 19 rm -rf "$ROOT.old.$$" &
fi
say "copy the clean root to $ROOT"
cp -a "$BASE" "$ROOT"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --make-private "$ROOT/dev"  # what is mounted below it stays in the root
mount -t devpts devpts "$ROOT/dev/pts" -o newinstance,ptmxmode=0666
mount -t tmpfs shm "$ROOT/dev/shm" -o size=512m  # Chromium's shared memory
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
TRUST=
if [ -n "${FRESH_CA:-}" ]; then
	for ca in $FRESH_CA; do cp "$ca" "$ROOT/usr/local/share/ca-certificates/"; done
	chroot "$ROOT" update-ca-certificates >/dev/null
	bundle=/etc/ssl/certs/ca-certificates.crt
	TRUST="SSL_CERT_FILE=$bundle PIP_CERT=$bundle NODE_EXTRA_CA_CERTS=$bundle"
fi

# A clean clone of the committed tree (nothing of this working copy's untracked files).
git clone --quiet --no-local "$REPO" "$ROOT/root/app"
git -C "$ROOT/root/app" checkout --quiet --detach "$REF"
say "cloned $REF; node in the root: $(chroot "$ROOT" sh -c 'command -v node || echo none')"

inside() {
	chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		PYTEST_ADDOPTS="-p no:cacheprovider -v --durations=25" $TRUST \
		sh -c "cd /root/app && $1"
}

status=0
for step in $STEPS; do
	say "make $step: start"
	started=$(date +%s)
	if [ "$step" = test ]; then
		command="timeout --kill-after=30 $TEST_TIMEOUT make test"
	else
		command="make $step"
	fi
	if inside "$command"; then result=passed; else result="FAILED ($?)"; status=1; fi
	say "make $step: $result in $(($(date +%s) - started)) s"
done
exit $status
