/**
 * A printable name for a database URL that never shows credentials: `SQLite ./.haven/haven.db` or
 * `PostgreSQL db.example:5432/haven` (no user, no password, no query options).
 *
 * @example
 * ```ts
 * describeDatabase('postgres://haven:s3cret@db.example:5432/haven') // 'PostgreSQL db.example:5432/haven'
 * ```
 */
export function describeDatabase(url: string): string {
  if (!/^postgres(ql)?:\/\//i.test(url)) return `SQLite ${url}`;
  try {
    const parsed = new URL(url);
    return `PostgreSQL ${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
