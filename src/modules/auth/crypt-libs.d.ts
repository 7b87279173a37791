/** Types for the two CommonJS hash libraries without their own declarations (used by htpasswd.ts). */
declare module 'apache-md5' {
  /** MD5-crypt: `$apr1$salt$hash` (or `$1$…` when the salt starts with `$1$`) for the password and stored salt. */
  function apacheMd5(password: string, salt: string): string;
  export default apacheMd5;
}

declare module 'unix-crypt-td-js' {
  /** Traditional DES crypt(3): 13 characters, the first two being the salt. */
  function unixCrypt(password: string, salt: string): string;
  export default unixCrypt;
}
