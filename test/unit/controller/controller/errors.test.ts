import { describe, expect, it } from 'vitest';
import {
  ControllerOptionsError,
  ControllerShutdownError,
  ControllerStateError,
  ReconcileTimeoutError,
} from '../../../../src/controller/controller-errors.js';
import { TerminalError } from '../../../../src/controller/reconciler.js';
import { KubeloopError } from '../../../../src/errors.js';

describe('controller errors', () => {
  it.each([
    [new TerminalError('m'), 'RECONCILE_TERMINAL', 'TerminalError'],
    [new ControllerOptionsError('m'), 'CONTROLLER_OPTIONS', 'ControllerOptionsError'],
    [new ControllerStateError('m'), 'CONTROLLER_STATE', 'ControllerStateError'],
    [new ReconcileTimeoutError('m'), 'RECONCILE_TIMEOUT', 'ReconcileTimeoutError'],
    [new ControllerShutdownError('m'), 'CONTROLLER_SHUTDOWN', 'ControllerShutdownError'],
  ])('%s carries the code %s and is a KubeloopError', (error, code, name) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(KubeloopError);
  });

  it('keeps the cause of a TerminalError', () => {
    const cause = new Error('invalid spec');
    expect(new TerminalError('giving up', { cause }).cause).toBe(cause);
  });
});
