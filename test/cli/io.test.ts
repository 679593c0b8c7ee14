/**
 * Standard output written synchronously (`SyncOutput`): every byte in order however the system call answers, a pause
 * while the pipe is full, and a quiet end once the reader has gone.
 */
import { SyncOutput, WriteSync } from '../../lib/cli/io';

/** A system call that answers from a script: a number of bytes it takes, or an error code it throws. */
function scripted(answers: (number | string)[], written: number[]): WriteSync {
  return (_fd, bytes, offset, length) => {
    const answer = answers.length > 0 ? answers.shift()! : length;
    if (typeof answer === 'string') throw Object.assign(new Error(answer), { code: answer });
    const taken = Math.min(answer, length);
    written.push(...bytes.subarray(offset, offset + taken));
    return taken;
  };
}

describe('SyncOutput', () => {
  test('writes every byte in order through partial writes and a full pipe (EAGAIN)', () => {
    const written: number[] = [];
    const output = new SyncOutput(1, scripted([3, 'EAGAIN', 'EAGAIN', 1, 'EAGAIN'], written));
    output.write(Buffer.from('hello, world'));
    output.write(Buffer.from('!'));
    expect(Buffer.from(written).toString()).toBe('hello, world!');
  });

  test('drops the rest once the reader has closed the pipe (EPIPE), without an error', () => {
    const written: number[] = [];
    const output = new SyncOutput(1, scripted([5, 'EPIPE'], written));
    output.write(Buffer.from('hello, world'));
    output.write(Buffer.from('more'));
    expect(Buffer.from(written).toString()).toBe('hello');
  });

  test('throws any other error', () => {
    const output = new SyncOutput(1, scripted(['EBADF'], []));
    expect(() => output.write(Buffer.from('x'))).toThrow('EBADF');
  });
});
