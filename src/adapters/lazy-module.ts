/**
 * A dependency loaded on first use instead of at start-up. PostgreSQL, Redis and SMTP clients
 * are needed only by installations that configure them, and each costs a few MB of resident
 * memory once loaded (bench/README.md, "A new VM, 2026-12-07"). The first call starts the import;
 * every call shares its promise, so the module is loaded once.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}
