// Second step of Mutation.update<Model>: set the given fields (null removes one, unless it is required),
// keep the caller's `condition`, require the record to exist and (when a dynamic rule let the caller in) to
// still be theirs.
export function request(ctx) {
  const values = Object.assign({}, ctx.args.input);
  for (const field of CONFIG.required) {
    if (Object.hasOwn(values, field) && values[field] === null) {
      util.error(`${field} is required and cannot be removed`, 'ValidationError');
    }
  }
  for (const field of CONFIG.keys) {
    delete values[field];
  }
  if (values.updatedAt === undefined || values.updatedAt === null) {
    values.updatedAt = util.time.nowISO8601();
  }
  values.__typename = CONFIG.model;
  const names = {};
  const given = {};
  const sets = [];
  const removes = [];
  let index = 0;
  for (const field of Object.keys(values)) {
    const name = `#u${index}`;
    const value = `:u${index}`;
    index = index + 1;
    names[name] = field;
    if (values[field] === null) {
      removes.push(name);
    } else {
      sets.push(`${name} = ${value}`);
      given[value] = values[field];
    }
  }
  let expression = `SET ${sets.join(', ')}`;
  if (removes.length > 0) {
    expression = `${expression} REMOVE ${removes.join(', ')}`;
  }
  const exists = {};
  exists[CONFIG.keys[0]] = { attributeExists: true };
  return {
    operation: 'UpdateItem',
    key: keyOf(ctx.args.input),
    update: { expression, expressionNames: names, expressionValues: util.dynamodb.toMapValues(given) },
    condition: conditionOf([ctx.args.condition, exists, ctx.stash.ownerCondition]),
  };
}

export function response(ctx) {
  failOnError(ctx);
  return mutationResult(ctx.result);
}
