/** A libuv status code as the error node's own sockets give for it (code, errno, syscall). */
import { getSystemErrorName } from 'node:util';

export function errnoError(status: number, syscall: string): NodeJS.ErrnoException {
  const code = getSystemErrorName(status);
  const err: NodeJS.ErrnoException = new Error(`${syscall} ${code}`);
  err.code = code;
  err.errno = status;
  err.syscall = syscall;
  return err;
}
