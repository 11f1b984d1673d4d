/**
 * Runs a query that carries form data and makes sure a failure does not carry it further: TypeORM puts
 * the query parameters on its errors, and an unexpected error is logged with its properties.
 */
export async function withoutParameters<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'parameters' in err) {
      Object.defineProperty(err, 'parameters', { value: '[redacted]', enumerable: true });
    }
    throw err;
  }
}
