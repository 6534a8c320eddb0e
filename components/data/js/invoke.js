// Second step of a custom operation with a function handler: invoke the function (a Lambda data source) with
// Amplify's event (typeName, fieldName, arguments, identity, source, request, prev); an `async` handler is
// invoked without waiting and the operation returns {success: true}.
export function request(ctx) {
  const request = {
    operation: 'Invoke',
    payload: {
      typeName: CONFIG.step.typeName,
      fieldName: CONFIG.step.fieldName,
      arguments: ctx.args,
      identity: ctx.identity ?? null,
      source: ctx.source ?? null,
      request: ctx.request ?? null,
      prev: ctx.prev ?? null,
    },
  };
  if (CONFIG.step.async) {
    request.invocationType = 'Event';
  }
  return request;
}

export function response(ctx) {
  failOnError(ctx);
  return CONFIG.step.async ? { success: true } : ctx.result;
}
