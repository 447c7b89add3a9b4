// Pins kwok, the Kubernetes SIG's node and pod simulator, for the local cluster's simulated nodes.
module kubeloop.dev/hack/control-plane/kwok

go 1.26.0

require sigs.k8s.io/kwok v0.8.0
