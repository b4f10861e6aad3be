/**
 * A problem with the data the user asked for (too many samples, a malformed file). The engine reports it as a
 * `data` failure with these hints instead of letting it escape as an exception.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly hints: string[];

  constructor(message: string, hints: string[] = []) {
    super(message);
    this.hints = hints;
  }
}
