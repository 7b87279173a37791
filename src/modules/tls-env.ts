/**
 * mod_openssl's request environment when `ssl.verifyclient.activate` applies to the request (lighttpd
 * 1.4.69 fills it in the uri-raw phase, before mod_auth): SSL_PROTOCOL, SSL_CIPHER and its key sizes,
 * SSL_CLIENT_VERIFY, and for a verified certificate SSL_CLIENT_S_DN, SSL_CLIENT_S_DN_<name>,
 * SSL_CLIENT_M_SERIAL, REMOTE_USER / AUTH_TYPE (`ssl.verifyclient.username`) and SSL_CLIENT_CERT
 * (`ssl.verifyclient.exportcert`). Visible to accesslog `%{…}e` / `%u`, mod_auth and proxy `Forwarded`.
 */
import type { TlsClient } from '../net/tls-client.js';
import { setEnv, type RequestCtx } from '../request/context.js';

/** The per-request values that shape the environment. */
export interface TlsEnvConf {
  /** `ssl.verifyclient.activate`. */
  readonly activate: boolean;
  /** `ssl.verifyclient.username`: the variable whose value becomes REMOTE_USER; '' = none. */
  readonly username: string;
  /** `ssl.verifyclient.exportcert`. */
  readonly exportCert: boolean;
}

/** OpenSSL's SSL_CIPHER_get_bits for the ciphers node's defaults and lighttpd's cipher string allow. */
function cipherBits(name: string): number {
  if (/AES_?256|CHACHA20|CAMELLIA256|ARIA256/.test(name)) return 256;
  if (/AES_?128|CAMELLIA128|ARIA128/.test(name)) return 128;
  if (/3DES|DES-CBC3/.test(name)) return 112;
  return 0;
}

/** Sets the environment of `req` from the connection's TLS facts. */
export function setTlsEnv(req: RequestCtx, client: TlsClient, conf: TlsEnvConf): void {
  const protocol = client.socket.getProtocol();
  if (protocol !== null) setEnv(req, 'SSL_PROTOCOL', protocol);
  const cipher = client.socket.getCipher();
  if (cipher.name !== '') {
    const bits = String(cipherBits(cipher.name));
    setEnv(req, 'SSL_CIPHER', cipher.name);
    setEnv(req, 'SSL_CIPHER_USEKEYSIZE', bits);
    setEnv(req, 'SSL_CIPHER_ALGKEYSIZE', bits);
  }
  const verified = client.verified ?? { verify: 'NONE', cert: null };
  setEnv(req, 'SSL_CLIENT_VERIFY', verified.verify);
  const cert = verified.cert;
  if (cert === null) return;
  if (cert.subjectDn !== '') setEnv(req, 'SSL_CLIENT_S_DN', cert.subjectDn);
  for (const [name, value] of cert.subjectParts) {
    // lighttpd's variable name buffer holds 63 bytes
    if (name.length + 16 < 64) setEnv(req, `SSL_CLIENT_S_DN_${name}`, value);
  }
  setEnv(req, 'SSL_CLIENT_M_SERIAL', cert.serial);
  if (conf.username !== '') {
    const user = req.env.get(conf.username);
    if (user !== undefined) {
      setEnv(req, 'REMOTE_USER', user);
      setEnv(req, 'AUTH_TYPE', 'SSL_CLIENT_VERIFY');
    }
  }
  if (conf.exportCert) setEnv(req, 'SSL_CLIENT_CERT', cert.pem);
}
