// First step of update/delete (CONFIG.op): load the record and decide. A caller allowed on every record
// goes on; an owner goes on only for their own record (and may not give it away); the write then requires
// the owner field to be unchanged, so the check and the write cannot be separated by another write.
export function request(ctx) {
  requireSome(callerOf(ctx), CONFIG.op);
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.args.input.id }) };
}

export function response(ctx) {
  failOnError(ctx);
  const who = callerOf(ctx);
  const item = ctx.result ?? null;
  ctx.stash.ownerCondition = null;
  if (allowsAll(who, CONFIG.op)) {
    return item;
  }
  if (item === null) {
    util.error('The conditional request failed', 'DynamoDB:ConditionalCheckFailedException');
  }
  if (!isCaller(who, item[CONFIG.ownerField])) {
    util.unauthorized();
  }
  if (CONFIG.op === 'update' && Object.hasOwn(ctx.args.input, CONFIG.ownerField)) {
    if (!isCaller(who, ctx.args.input[CONFIG.ownerField])) {
      util.unauthorized();
    }
  }
  const unchanged = {};
  unchanged[CONFIG.ownerField] = { eq: item[CONFIG.ownerField] };
  ctx.stash.ownerCondition = unchanged;
  return item;
}
