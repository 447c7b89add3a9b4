import { describe, expect, it } from 'vitest';
import {
  NonZeroExitCodeError,
  PortForwardError,
  RemoteCommandError,
  StreamClosedError,
  StreamProtocolError,
} from '../../../src/client/streams/index.js';
import { KubeloopError } from '../../../src/errors.js';

describe('stream errors', () => {
  it.each([
    [new StreamProtocolError('bad frame'), 'STREAM_PROTOCOL'],
    [new StreamClosedError('reset'), 'STREAM_CLOSED'],
    [new RemoteCommandError({ status: 'Failure', message: 'no such container' }), 'REMOTE_COMMAND'],
    [new NonZeroExitCodeError(['false'], 1), 'NON_ZERO_EXIT_CODE'],
    [new PortForwardError(80, 'refused'), 'PORT_FORWARD'],
  ] as const)('%s has the code %s and is a KubeloopError', (error, code) => {
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(KubeloopError);
    expect(error.name).toBe(error.constructor.name);
  });

  it('names the command, the exit code and the end of stderr', () => {
    const error = new NonZeroExitCodeError(['tar', '-xmf', '-'], 2, 'tar: /x: Cannot open\n');

    expect(error.message).toBe('command "tar" exited with code 2: tar: /x: Cannot open');
  });
});
