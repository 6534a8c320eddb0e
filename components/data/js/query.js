// Query.<index query>: a DynamoDB Query of one secondary index (never a Scan): the partition value, the sort
// key condition, `sortDirection`, the caller's `filter` and the rules' filter, a page at a time.
export function request(ctx) {
  const who = callerOf(ctx);
  requireSome(who, 'list');
  const index = CONFIG.step.index;
  return pageRequest(ctx, index.name, index.partition, ctx.args[index.partition], index.sort,
    [ctx.args.filter, readFilter(who, 'list')]);
}

export function response(ctx) {
  failOnError(ctx);
  return pageOf(ctx);
}
