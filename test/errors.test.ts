import { ErrorCode, Errors, Port } from '../lib';
import { NetpolError, fail } from '../lib/errors';

describe('NetpolError', () => {
  test('is an Error with a stable code and the name NetpolError', () => {
    // GIVEN
    const error = new NetpolError(ErrorCode.INVALID_CIDR, 'Peer.ipv4(): bad');

    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(NetpolError);
    expect(error.name).toBe('NetpolError');
    expect(error.code).toBe('INVALID_CIDR');
    expect(error.message).toBe('Peer.ipv4(): bad');
  });

  test('every error code is spelled the same as its name, so codes are stable strings', () => {
    // WHEN
    const entries = Object.entries(ErrorCode);

    // THEN
    expect(entries.length).toBeGreaterThan(0);
    for (const [name, value] of entries) expect(value).toBe(name);
  });
});

describe('fail()', () => {
  test('throws a NetpolError whose message starts with the API called', () => {
    // WHEN
    const call = () => fail(ErrorCode.INVALID_PORT, 'Port.tcp()', 'port 0 is not valid.');

    // THEN
    expect(call).toThrow(NetpolError);
    expect(call).toThrow('Port.tcp(): port 0 is not valid.');
    expect(call).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PORT }));
  });
});

describe('Errors', () => {
  test('recognises an error thrown by a factory', () => {
    // GIVEN
    let caught: unknown;

    // WHEN
    try {
      Port.tcp(0);
    } catch (e) {
      caught = e;
    }

    // THEN
    expect(Errors.isNetpolError(caught)).toBe(true);
    expect(Errors.codeOf(caught)).toBe('INVALID_PORT');
  });

  test('does not recognise other errors or values', () => {
    // GIVEN
    const others = [new Error('INVALID_PORT'), { code: 'INVALID_PORT' }, 'INVALID_PORT', undefined, null, 42];

    // THEN
    for (const other of others) {
      expect(Errors.isNetpolError(other)).toBe(false);
      expect(Errors.codeOf(other)).toBeUndefined();
    }
  });
});
