/**
 * The fixed texts of `-v`, `-V` and `-h`, in the shape lighttpd prints them (cli-print.md §3).
 */

export const PROGRAM = 'tswstunnel';
export const VERSION = '0.1.0';

/** `-v`: one line, like `lighttpd/1.4.69 (ssl) - a light and fast webserver`. */
export function versionText(): string {
  return `${PROGRAM}/${VERSION} - a lighttpd 1.4.69 compatible WebSocket tunnel server\n`;
}

/** `-V`: the version line and truthful feature lists (TAB, `+`/`-`, space, name). */
export function featuresText(): string {
  const section = (title: string, lines: readonly string[]): string => `\n${title}:\n\n${lines.map((l) => `\t${l}\n`).join('')}`;
  return (
    versionText() +
    section('Event Handlers', [`+ libuv (Node.js ${process.version})`]) +
    section('Network handler', ['+ Node.js streams']) +
    section('Features', [
      '+ IPv6 support',
      '- TLS support',
      '+ WebSocket (mod_wstunnel)',
      '+ HTTP proxy (mod_proxy)',
      '+ regular expressions (JavaScript RegExp, not PCRE)',
      '- FastCGI / SCGI / CGI',
      '- compression',
      '- Lua',
    ]) +
    '\n'
  );
}

/** `-h` (and after an option error): the usage lines lighttpd prints, ending with an empty line. */
export function helpText(): string {
  return (
    versionText() +
    'usage:\n' +
    ' -f <name>  filename of the config-file\n' +
    ' -m <name>  module directory (accepted and ignored: modules are built in)\n' +
    ' -i <secs>  graceful shutdown after <secs> of inactivity\n' +
    ' -1         process single (one) request on stdin socket, then exit (not supported)\n' +
    ' -p         print the parsed config-file in internal form, and exit\n' +
    ' -t         test config-file syntax, then exit\n' +
    ' -tt        test config-file syntax, load and init modules, then exit\n' +
    ' -D         don\'t go to background (tswstunnel always stays in the foreground)\n' +
    ' -v         show version\n' +
    ' -V         show compile-time features\n' +
    ' -h         show this help\n' +
    '\n'
  );
}
