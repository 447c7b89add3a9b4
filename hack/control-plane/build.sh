#!/usr/bin/env bash
# Builds the pinned kube-apiserver, kubectl and etcd once per machine into a cache outside the work tree.
# Prints the directory holding the three binaries on its last line of stdout; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The pins live in the go.mod files; read them so the two never disagree.
pin() { awk -v m="$1" '$1 == m {print $2} $1 == "require" && $2 == m {print $3}' "$2" | head -n 1; }
kube_version=$(pin k8s.io/kubernetes "$here/kube/go.mod")
etcd_version=$(pin go.etcd.io/etcd/server/v3 "$here/etcd/go.mod")
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/kubeloop
out="$cache_root/kube-$kube_version-etcd-$etcd_version"

if [[ -x "$out/kube-apiserver" && -x "$out/kubectl" && -x "$out/etcd" ]]; then
  echo "$out"
  exit 0
fi

command -v go >/dev/null || {
  echo "kubeloop: Go is needed to build the local control plane (or set KUBEBUILDER_ASSETS to envtest binaries)" >&2
  exit 1
}

mkdir -p "$out"
# One build at a time per machine: parallel test workers would otherwise race on the same cache.
exec 9>"$cache_root/.build.lock"
flock 9
if [[ -x "$out/kube-apiserver" && -x "$out/kubectl" && -x "$out/etcd" ]]; then
  echo "$out"
  exit 0
fi

export CGO_ENABLED=0 GOFLAGS=-mod=mod
tmp=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
started=$SECONDS

minor=${kube_version#v1.}
minor=${minor%%.*}
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# The same ldflags Kubernetes' own release build sets, so /version reports the real release.
kube_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

step() { echo "kubeloop: [$((SECONDS - started))s] $*" >&2; }

step "building etcd $etcd_version (cold: a few minutes)"
(cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)

step "building kubectl $kube_version (cold: several minutes)"
(cd "$here/kube" && go build -trimpath -ldflags "-s -w $kube_ldflags" -o "$tmp/kubectl" k8s.io/kubernetes/cmd/kubectl)

step "building kube-apiserver $kube_version (cold: the longest step, often over ten minutes on 2 cores)"
(cd "$here/kube" && go build -trimpath -ldflags "-s -w $kube_ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)

mv "$tmp/etcd" "$tmp/kubectl" "$tmp/kube-apiserver" "$out/"
step "done: $out"
echo "$out"
