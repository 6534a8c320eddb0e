// Query.list<Models>: a page of the records the caller may read (all, or only their own), with `filter`.
export function request(ctx) {
  const who = callerOf(ctx);
  requireSome(who, 'list');
  const filters = [ctx.args.filter];
  if (!allowsAll(who, 'list')) {
    filters.push(ownedBy(who));
  }
  const scan = { operation: 'Scan', limit: ctx.args.limit ?? 100 };
  if (ctx.args.nextToken) {
    scan.nextToken = ctx.args.nextToken;
  }
  const filter = filterOf(filters);
  if (filter !== null) {
    scan.filter = filter;
  }
  return scan;
}

export function response(ctx) {
  failOnError(ctx);
  return { items: ctx.result.items ?? [], nextToken: ctx.result.nextToken ?? null };
}
