// <Model>.<relationship field>: the related records the caller may read (CONFIG: the related model's rules).
// has_many: a Query of the child's `gsi-<Parent>.<field>` index by the parent's key (never a Scan), a page at
// a time with `sortDirection` and the caller's `filter`; has_one: the first such child; belongs_to: the parent
// record by the child's references. Records a dynamic rule does not give the caller are left out (null for
// one record), as Amplify filters them; a caller with no rule on the related model gets an error.
export function request(ctx) {
  const who = callerOf(ctx);
  const relation = CONFIG.step.relation;
  requireSome(who, 'read');
  const source = ctx.source ?? {};
  const from = relation.kind === 'belongs_to' ? relation.references : relation.parentKeys;
  const values = from.map((field) => source[field]);
  if (values.some((v) => v === null || v === undefined)) {
    runtime.earlyReturn(relation.kind === 'has_many' ? { items: [], nextToken: null } : null);
  }
  if (relation.kind === 'belongs_to') {
    const key = {};
    CONFIG.keys.forEach((field, i) => {
      key[field] = values[i];
    });
    return { operation: 'GetItem', key: util.dynamodb.toMapValues(key) };
  }
  const refs = relation.references;
  const filters = [ctx.args.filter ?? null, readFilter(who, 'read')];
  const page = pageRequest(ctx, relation.index, refs[0], values[0], null, filters);
  if (refs.length > 1) {
    page.query.expression = `${page.query.expression} AND #k1 = :k1`;
    page.query.expressionNames['#k1'] = refs[1];
    page.query.expressionValues[':k1'] = util.dynamodb.toDynamoDB(values[1]);
  }
  if (relation.kind === 'has_one') {
    delete page.limit;
  }
  return page;
}

export function response(ctx) {
  failOnError(ctx);
  const relation = CONFIG.step.relation;
  if (relation.kind === 'has_many') {
    return pageOf(ctx);
  }
  if (relation.kind === 'has_one') {
    const items = ctx.result.items ?? [];
    return items.length > 0 ? items[0] : null;
  }
  const item = ctx.result ?? null;
  return item !== null && allowsItem(callerOf(ctx), 'read', item) ? item : null;
}
