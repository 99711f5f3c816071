/**
 * URLs can carry credentials (`https://user:password@host/`). Those never belong in a message,
 * a log line or a tool result: `redactUrlCredentials` blanks the user-info of every URL in a text.
 */

const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s"']*@/gi;

export function redactUrlCredentials(text: string): string {
  return text.replace(USER_INFO, "$1[redacted]@");
}

/** True when `url` has a user name or password in it. */
export function hasUrlCredentials(url: string): boolean {
  return new RegExp(USER_INFO.source, "i").test(url);
}
