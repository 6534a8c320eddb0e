// Query.get<Model>: the record, if the caller may read every record or this one.
export function request(ctx) {
  requireSome(callerOf(ctx), 'get');
  return { operation: 'GetItem', key: keyOf(ctx.args) };
}

export function response(ctx) {
  failOnError(ctx);
  const item = ctx.result ?? null;
  if (item === null) {
    return null;
  }
  if (allowsItem(callerOf(ctx), 'get', item)) {
    return item;
  }
  util.unauthorized();
  return null;
}
