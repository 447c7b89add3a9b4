/** Composes the default User-Agent: `kubeloop/<version> (<os>/<arch>) node/<version>`, like client-go's. */
import { version } from '../../version.js';

/** Go's GOARCH names for Node's process.arch values, so server-side audit logs read as they do for client-go. */
const goArch: Readonly<Record<string, string>> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64' };

/** The User-Agent sent when the RestConfig has none, e.g. `kubeloop/0.1.0 (linux/amd64) node/v24.21.0`. */
export const defaultUserAgent = `kubeloop/${version} (${process.platform}/${goArch[process.arch] ?? process.arch}) node/${process.version}`;
