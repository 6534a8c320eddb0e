// Second step of Mutation.delete<Model>: delete with the caller's `condition`, requiring the record to exist
// and (for an owner) to still be theirs.
export function request(ctx) {
  return {
    operation: 'DeleteItem',
    key: util.dynamodb.toMapValues({ id: ctx.args.input.id }),
    condition: conditionOf([ctx.args.condition, { id: { attributeExists: true } }, ctx.stash.ownerCondition]),
  };
}

export function response(ctx) {
  failOnError(ctx);
  return ctx.result;
}
