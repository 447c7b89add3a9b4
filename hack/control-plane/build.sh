#!/usr/bin/env bash
# Builds the pinned control-plane binaries once per machine into a cache outside the work tree.
# Usage: build.sh [--cluster]. Without it: kube-apiserver, kubectl and etcd. With it, also what a whole cluster
# needs: kube-controller-manager, kube-scheduler, and kwok with its default node and pod stages.
# Prints the directory holding the binaries on its last line of stdout; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The pins live in the go.mod files; read them so the two never disagree.
pin() { awk -v m="$1" '$1 == m {print $2} $1 == "require" && $2 == m {print $3}' "$2" | head -n 1; }
kube_version=$(pin k8s.io/kubernetes "$here/kube/go.mod")
etcd_version=$(pin go.etcd.io/etcd/server/v3 "$here/etcd/go.mod")
kwok_version=$(pin sigs.k8s.io/kwok "$here/kwok/go.mod")
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/kubeloop
out="$cache_root/kube-$kube_version-etcd-$etcd_version"

wanted=(kube-apiserver kubectl etcd)
[[ "${1:-}" == "--cluster" ]] && wanted+=(kube-controller-manager kube-scheduler "kwok-$kwok_version")

missing() {
  local name
  for name in "${wanted[@]}"; do [[ -x "$out/$name" ]] || echo "$name"; done
}

if [[ -z "$(missing)" ]]; then
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

kube() {
  step "building $1 $kube_version"
  (cd "$here/kube" && go build -trimpath -ldflags "-s -w $kube_ldflags" -o "$tmp/$1" "k8s.io/kubernetes/cmd/$1")
  mv "$tmp/$1" "$out/"
}

# Checked again under the lock: another build may have finished what we lacked while we waited.
for name in $(missing); do
  case "$name" in
    etcd)
      step "building etcd $etcd_version"
      (cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
      mv "$tmp/etcd" "$out/"
      ;;
    kwok-*)
      step "building kwok $kwok_version"
      (cd "$here/kwok" && go build -trimpath -ldflags "-s -w" -o "$tmp/$name" sigs.k8s.io/kwok/cmd/kwok)
      # kwok's own default stages (what kwokctl configures): nodes become Ready and keep a heartbeat, pods
      # become Running and Ready, complete, and go away when deleted. Taken from the pinned module, not ours.
      stages=$(cd "$here/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
      mkdir -p "$tmp/stages"
      # One YAML document per Stage; the folders' kustomization.yaml files are not Stages.
      for file in "$stages"/node/fast/*.yaml "$stages"/node/heartbeat-with-lease/*.yaml "$stages"/pod/fast/*.yaml; do
        [[ "$(basename "$file")" == kustomization.yaml ]] || printf -- '---\n%s\n' "$(cat "$file")"
      done >"$tmp/stages/kwok-$kwok_version-stages.yaml"
      mv "$tmp/stages/kwok-$kwok_version-stages.yaml" "$out/"
      mv "$tmp/$name" "$out/"
      ;;
    *) kube "$name" ;;
  esac
done
step "done: $out"
echo "$out"
