/** Exports exec, attach, port-forward, copy and log streams, built on a RESTClient's connections and credentials. */
export { type CopyOptions, copyFromPod, copyToPod } from './copy.js';
export {
  NonZeroExitCodeError,
  PortForwardError,
  RemoteCommandError,
  StreamClosedError,
  StreamProtocolError,
} from './errors.js';
export {
  type AttachOptions,
  attach,
  type ExecCommandOptions,
  type ExecOptions,
  type ExecResult,
  type ExecSession,
  exec,
  execCommand,
} from './exec.js';
export { type LogLine, type LogStream, type PodLogsOptions, podLogs } from './logs.js';
export {
  openPortForwardStream,
  type PortForwarder,
  type PortForwardOptions,
  type PortForwardStreamOptions,
  type PortMapping,
  portForward,
} from './port-forward.js';
