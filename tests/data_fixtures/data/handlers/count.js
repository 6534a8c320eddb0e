// An APPSYNC_JS handler on a model's table: how many records a Scan page holds.
export function request(ctx) {
  return { operation: 'Scan', limit: 1000 };
}

export function response(ctx) {
  return (ctx.result.items ?? []).length;
}
