// Query.get<Model>: the record, if the caller may read every record or owns it.
export function request(ctx) {
  requireSome(callerOf(ctx), 'get');
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.args.id }) };
}

export function response(ctx) {
  failOnError(ctx);
  const item = ctx.result ?? null;
  if (item === null) {
    return null;
  }
  const who = callerOf(ctx);
  if (allowsAll(who, 'get') || (allowsOwn(who, 'get') && isCaller(who, item[CONFIG.ownerField]))) {
    return item;
  }
  util.unauthorized();
  return null;
}
