// Second step of Mutation.delete<Model>: delete with the caller's `condition`, requiring the record to exist
// and (when a dynamic rule let the caller in) to still be theirs.
export function request(ctx) {
  const exists = {};
  exists[CONFIG.keys[0]] = { attributeExists: true };
  return {
    operation: 'DeleteItem',
    key: keyOf(ctx.args.input),
    condition: conditionOf([ctx.args.condition, exists, ctx.stash.ownerCondition]),
  };
}

export function response(ctx) {
  failOnError(ctx);
  return mutationResult(ctx.result);
}
