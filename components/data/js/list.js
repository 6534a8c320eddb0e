// Query.list<Models>: a page of the records the caller may read, with their `filter`; a Query when a custom
// primary key's partition value is given (and its sort condition, `sortDirection`), else a Scan.
export function request(ctx) {
  const who = callerOf(ctx);
  requireSome(who, 'list');
  const partition = CONFIG.keys[0];
  const sort = CONFIG.keys.length > 1 ? CONFIG.keys[1] : null;
  const value = CONFIG.customKey ? ctx.args[partition] : null;
  return pageRequest(ctx, null, partition, value, sort, [ctx.args.filter, readFilter(who, 'list')]);
}

export function response(ctx) {
  failOnError(ctx);
  return pageOf(ctx);
}
