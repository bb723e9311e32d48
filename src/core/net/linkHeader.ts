/**
 * The target of the `rel="next"` link in an RFC 8288 `Link` header, as registries use it to paginate
 * `/v2/<name>/tags/list`, e.g. `</v2/a/tags/list?last=b&n=100>; rel="next"`. Undefined when absent.
 */
export function findNextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  // Each link is `<target>` followed by `;`-separated parameters; targets cannot contain `>`.
  const linkPattern = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const match of header.matchAll(linkPattern)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relations.includes('next')) return match[1];
  }
  return undefined;
}
