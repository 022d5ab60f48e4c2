#!/bin/bash
# `npm run lab:kube`: build the upstream Kubernetes release and helm from their pinned Go modules
# (cached by version and recipe), lay them out as a mirror of the upstream download sites, serve it on
# https://127.0.0.1:2443 with the lab's mirror CA, and write test/lab/kube.env. Run as root, after
# up.sh. KUBE_VERSION=vX.Y.Z builds another release (its wrapper module must exist: see
# kube/gen-kube-module.mjs). See test/lab/README.md.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
started=$(date +%s%N)

# cgo for runc (libseccomp, static), pause.c (static glibc), BusyBox for agnhost's shell,
# setcap for CoreDNS's bind capability.
BUILD_PACKAGES=(gcc libc6-dev libseccomp-dev pkg-config busybox-static libcap2-bin ca-certificates openssl curl)
KUBE_VERSION=${KUBE_VERSION:-v1.37.2}
export KUBE_VERSION

mkdir -p "$RUN_DIR"
install_packages "${BUILD_PACKAGES[@]}"
# The machine's Go (../shared/STACK.md) lives in /usr/local/go, which a root shell's PATH may lack.
command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || die "go is not installed (the lab builds with the machine's Go: ../shared/STACK.md)"
node "$LAB_DIR/kube/build.mjs"
stop_mirror >/dev/null
start_mirror
install -m 0644 "$MIRROR_TLS/ca.crt" "$KEYS_DIR/mirror-ca.crt"

# helm, laid out as get.helm.sh does: its version from the release description, its digest from the mirror's .sha256.
helm_version=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).versions.helm' "$MIRROR_ROOT/.lab/$KUBE_VERSION.json")
helm_tgz=get.helm.sh/helm-$helm_version-linux-amd64.tar.gz
helm_sha256=$(<"$MIRROR_ROOT/$helm_tgz.sha256")

tmp=$(mktemp "$KUBE_ENV_FILE.XXXX")
cat >"$tmp" <<ENV
LAB_KUBE_VERSION=$KUBE_VERSION
LAB_KUBE_MIRROR=https://$MIRROR_HOST:$MIRROR_PORT
LAB_KUBE_MIRROR_CA=$KEYS_DIR/mirror-ca.crt
LAB_KUBE_MIRROR_DIR=$MIRROR_ROOT
LAB_KUBE_RELEASE=$MIRROR_ROOT/.lab/$KUBE_VERSION.json
LAB_HELM_VERSION=$helm_version
LAB_HELM_URL=https://$MIRROR_HOST:$MIRROR_PORT/$helm_tgz
LAB_HELM_SHA256=$helm_sha256
LAB_HELM_PATH=linux-amd64/helm
ENV
mv "$tmp" "$KUBE_ENV_FILE"
log "kube: ready in $((($(date +%s%N) - started) / 1000000))ms: kube.env at $KUBE_ENV_FILE"
