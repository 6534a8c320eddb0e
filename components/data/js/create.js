// Mutation.create<Model>: a new record; its owner field is the caller (an owner may not create for others).
export function request(ctx) {
  const who = callerOf(ctx);
  const all = allowsAll(who, 'create');
  if (!all && !allowsOwn(who, 'create')) {
    util.unauthorized();
  }
  const values = Object.assign({}, ctx.args.input);
  const id = values.id ?? util.autoId();
  delete values.id;
  if (CONFIG.ownerField !== null) {
    const given = values[CONFIG.ownerField];
    if (given === undefined || given === null) {
      if (who.ownerValue !== null) {
        values[CONFIG.ownerField] = who.ownerValue;
      } else if (!all) {
        util.unauthorized();
      }
    } else if (!all && !isCaller(who, given)) {
      util.unauthorized();
    }
  }
  const now = util.time.nowISO8601();
  values.createdAt = now;
  values.updatedAt = now;
  values.__typename = CONFIG.model;
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues({ id }),
    attributeValues: util.dynamodb.toMapValues(values),
    condition: conditionOf([ctx.args.condition, { id: { attributeExists: false } }]),
  };
}

export function response(ctx) {
  failOnError(ctx);
  return ctx.result;
}
