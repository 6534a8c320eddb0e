// Second step of Mutation.update<Model>: set the given fields (null removes one, unless it is required),
// keep the caller's `condition`, require the record to exist and (for an owner) to still be theirs.
export function request(ctx) {
  const values = Object.assign({}, ctx.args.input);
  for (const field of CONFIG.required) {
    if (Object.hasOwn(values, field) && values[field] === null) {
      util.error(`${field} is required and cannot be removed`, 'ValidationError');
    }
  }
  const id = values.id;
  delete values.id;
  values.updatedAt = util.time.nowISO8601();
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
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ id }),
    update: { expression, expressionNames: names, expressionValues: util.dynamodb.toMapValues(given) },
    condition: conditionOf([ctx.args.condition, { id: { attributeExists: true } }, ctx.stash.ownerCondition]),
  };
}

export function response(ctx) {
  failOnError(ctx);
  return ctx.result;
}
