/**
 * The glibc strerror() texts of the errno codes Node reports, as lighttpd's log lines show them
 * ("No such file or directory", "Address already in use", ...), and gai_strerror()'s for getaddrinfo's.
 * One table for every log line that names an OS error; `undefined` for a code not listed, so each
 * caller keeps its own fallback.
 */
const TEXTS: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  EFBIG: 'File too large',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  ENOTFOUND: 'Name or service not known',
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  // getaddrinfo's codes as Node names them, with gai_strerror()'s texts (ENOTFOUND: EAI_NONAME above)
  EAI_ADDRFAMILY: 'Address family for hostname not supported',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_FAIL: 'Non-recoverable failure in name resolution',
};

/** strerror()'s text for an errno code (`ENOENT`), or undefined when the code is not in the table. */
export function strerror(code: string): string | undefined {
  return TEXTS[code];
}
