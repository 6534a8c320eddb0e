// The trivial APPSYNC_JS handler the oracle's custom handlers use: no data source call, the arguments back.
export function request(ctx) {
  return {};
}

export function response(ctx) {
  return ctx.args;
}
