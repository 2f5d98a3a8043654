const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT_ENCODED = '%[0-9A-Fa-f]{2}';

/** RFC 3986 Appendix B: splits any string into scheme, authority, path, query and fragment. */
const COMPONENTS = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
/** userinfo "@" (optional), host (an IP literal in brackets, or no colon), ":" port (optional). */
const AUTHORITY = /^(?:([^@]*)@)?(\[[^\]]*\]|[^:]*)(?::\d*)?$/;
const USERINFO = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT_ENCODED})*$`);
/** reg-name, which also covers IPv4address. */
const REG_NAME = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT_ENCODED})*$`);
const IP_LITERAL = new RegExp(`^\\[(?:${ipv6Address()}|[Vv][0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+)\\]$`);
/** Path segments with their slashes: pchar or "/". */
const PATH = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:@/]|${PCT_ENCODED})*$`);
/** A relative reference's first segment may hold no colon: it would read as a scheme. */
const FIRST_SEGMENT_COLON = /^[^/]*:/;
/** Query and fragment: pchar, "/" or "?". */
const QUERY = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:@/?]|${PCT_ENCODED})*$`);

/**
 * A URI-reference of RFC 3986 §4.1: a URI (`https://a.example/b?c#d`, `urn:x:y`) or a relative
 * reference (`/erp/sh`); ASCII only, and every `%` followed by two hexadecimal digits. Split
 * into components first, then each checked by its own rule, so that no expression can backtrack
 * at length over a long input.
 */
export function isUriReference(text: string): boolean {
  const [, scheme, authority, path, query, fragment] = COMPONENTS.exec(text)!;
  if (scheme !== undefined && !SCHEME.test(scheme)) return false;
  if (authority !== undefined && !isAuthority(authority)) return false;
  if (scheme === undefined && authority === undefined && FIRST_SEGMENT_COLON.test(path!)) return false;
  return (
    PATH.test(path!) && (query === undefined || QUERY.test(query)) && (fragment === undefined || QUERY.test(fragment))
  );
}

function isAuthority(authority: string): boolean {
  const parts = AUTHORITY.exec(authority);
  if (!parts) return false;
  const [, userinfo, host] = parts;
  if (userinfo !== undefined && !USERINFO.test(userinfo)) return false;
  return host!.startsWith('[') ? IP_LITERAL.test(host!) : REG_NAME.test(host!);
}

/** IPv6address of RFC 3986 §3.2.2, written out alternative by alternative. */
function ipv6Address(): string {
  const h16 = '[0-9A-Fa-f]{1,4}';
  const decOctet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
  const ls32 = `(?:${h16}:${h16}|${decOctet}(?:\\.${decOctet}){3})`;
  const alternatives = [`(?:${h16}:){6}${ls32}`, `::(?:${h16}:){5}${ls32}`];
  // [ *n( h16 ":" ) h16 ] "::" and then, for n = 0 … 6, one tail each.
  const tails = [
    `(?:${h16}:){4}${ls32}`,
    `(?:${h16}:){3}${ls32}`,
    `(?:${h16}:){2}${ls32}`,
    `${h16}:${ls32}`,
    ls32,
    h16,
  ];
  [...tails, ''].forEach((tail, n) => alternatives.push(`(?:(?:${h16}:){0,${n}}${h16})?::${tail}`));
  return `(?:${alternatives.join('|')})`;
}
